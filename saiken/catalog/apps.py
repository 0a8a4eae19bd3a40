from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "saiken.catalog"
    verbose_name = "債権の種類"
