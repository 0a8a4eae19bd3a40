from django.apps import AppConfig


class ReliefConfig(AppConfig):
    name = "saiken.relief"
    verbose_name = "緩和措置・不納欠損"
