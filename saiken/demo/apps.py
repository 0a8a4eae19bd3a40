from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "saiken.demo"
    verbose_name = "デモ市"
