from django.apps import AppConfig


class PluginAppConfig(AppConfig):
    """A system that plugs into the platform the way petitions or talks will: everything it
    contributes is declared in its own modules; no file of liaison/ names it."""

    name = "tests.plugin_app"
    label = "plugin_app"
    verbose_name = "跑腿（测试插件）"
