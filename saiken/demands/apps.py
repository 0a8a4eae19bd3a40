from django.apps import AppConfig


class DemandsConfig(AppConfig):
    name = "saiken.demands"
    verbose_name = "督促"

    def ready(self):
        # `saiken check-ledger` proves the demand counts too; the ledger does not import demands' summary.
        from saiken.demands import delivery_state, summary
        from saiken.ledger.verify import register

        register("督促の期限内発付件数", summary.differences)
        register("督促状の送達状態", delivery_state.differences)
