from django.apps import AppConfig


class DebtorsConfig(AppConfig):
    name = "saiken.debtors"
    verbose_name = "債務者"
