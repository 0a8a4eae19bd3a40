from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "saiken.staff"
    verbose_name = "職員・権限"
