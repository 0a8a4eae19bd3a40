from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "saiken.goals"
    verbose_name = "目標・実施計画"
