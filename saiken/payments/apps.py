from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "saiken.payments"
    verbose_name = "収納・消込"

    def ready(self):
        # `saiken check-ledger` proves the received records' links (not database constraints).
        from saiken.ledger.verify import register
        from saiken.payments.verify import dangling_links

        register("収納データの参照先", dangling_links)
