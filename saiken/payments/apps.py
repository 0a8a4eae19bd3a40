from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "saiken.payments"
    verbose_name = "収納・消込"
