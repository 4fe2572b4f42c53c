from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = "组织与干部"

    def ready(self) -> None:
        from liaison import scopes  # noqa: F401  (registers the core scope functions)

        # Domain apps plug in the way admin.py does: resources.py registers import kinds,
        # metrics.py registers compliance metrics.
        autodiscover_modules("resources")
        autodiscover_modules("metrics")
        autodiscover_modules("demo")
