from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "saiken.ledger"
    verbose_name = "債権管理簿"
