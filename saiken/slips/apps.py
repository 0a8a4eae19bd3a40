from django.apps import AppConfig


class SlipsConfig(AppConfig):
    name = "saiken.slips"
    verbose_name = "納付書"
