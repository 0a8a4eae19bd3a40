from django.apps import AppConfig


class DemandsConfig(AppConfig):
    name = "saiken.demands"
    verbose_name = "督促"
