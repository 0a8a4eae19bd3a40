from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "saiken.web"
    verbose_name = "画面"

    def ready(self):
        from saiken.web import session  # noqa: F401  (the idle timeout marks each login)
