from django.apps import AppConfig


class ContactpointsConfig(AppConfig):
    name = "contactpoints"
    verbose_name = "基层联系点"

    def ready(self) -> None:
        # Register the scope functions, the write rules and the workbench panel.
        from contactpoints import selectors, services, workbench  # noqa: F401
