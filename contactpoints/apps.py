from django.apps import AppConfig


class ContactpointsConfig(AppConfig):
    name = "contactpoints"
    verbose_name = "基层联系点"

    def ready(self) -> None:
        from contactpoints import selectors, services  # noqa: F401  (register scopes and write rules)
