from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = "调查研究"

    def ready(self) -> None:
        from research import selectors, services  # noqa: F401  (register scopes and write rules)
