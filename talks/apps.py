from django.apps import AppConfig


class TalksConfig(AppConfig):
    name = "talks"
