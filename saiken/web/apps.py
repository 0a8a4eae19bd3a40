from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "saiken.web"
    verbose_name = "画面"
