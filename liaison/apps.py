from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules

# What an app contributes, each in a module of its own, found the way admin.py is found
# (docs/architecture.md): scope functions and per-model policies, cross-row rules, import
# kinds, compliance metrics, menu entries, workbench panels, dashboard sections, demo data,
# receivers of the core's signals (e.g. liaison.workdays.calendar_changed), and the
# plausibility rules and sources of liaison.plausibility.
PLUGIN_MODULES = ("scopes", "rules", "resources", "metrics", "menu", "workbench", "dashboard",
                  "demo", "signals", "plausibility")


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = "组织与干部"

    def ready(self) -> None:
        from liaison import checks  # noqa: F401  (registers the start-up checks)

        for module in PLUGIN_MODULES:
            autodiscover_modules(module)
