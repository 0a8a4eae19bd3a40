from django.apps import AppConfig


class AccountingConfig(AppConfig):
    name = "saiken.accounting"
    verbose_name = "決算・収納率"
