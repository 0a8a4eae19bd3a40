from django.apps import AppConfig


class PrescriptionConfig(AppConfig):
    name = "saiken.prescription"
    verbose_name = "時効管理"
