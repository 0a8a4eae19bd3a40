from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "saiken.cases"
    verbose_name = "滞納整理"
