from django.apps import AppConfig


class ContactpointsConfig(AppConfig):
    name = "contactpoints"
    verbose_name = "基层联系点"

