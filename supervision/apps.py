from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "督查"

    def ready(self) -> None:
        from supervision import selectors  # noqa: F401  (registers the results' scope)
