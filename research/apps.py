from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = "调查研究"

    def ready(self) -> None:
        # Register the scope functions, the write rules and the workbench panel.
        from research import selectors, services, workbench  # noqa: F401
