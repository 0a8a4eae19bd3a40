"""Screens for payments in and out (収納・消込)."""

from django.urls import path

from saiken.web.views import corrections, payments

urlpatterns = [
    path("", payments.imports, name="payment_imports"),
    path("confirm/", payments.confirm, name="payment_confirm"),
    path("imports/<int:pk>/", payments.import_detail, name="payment_import"),
    path("queue/", payments.queue, name="payment_queue"),
    path("queue/<int:pk>/", payments.resolve, name="payment_resolve"),
    path("overpaid/", payments.overpaid, name="payment_overpaid"),
    path("overpaid/<int:pk>/", payments.settle, name="payment_settle"),
    path("refunds/file/", payments.refund_file, name="payment_refund_file"),
    path("refunds/<int:pk>/file/", payments.refund_download, name="payment_refund_download"),
    path("refunds/<int:pk>/returned/", payments.refund_returned, name="payment_refund_returned"),
    path("corrections/", corrections.index, name="payment_corrections"),
    path("corrections/new/<int:payment>/", corrections.new, name="payment_correction_new"),
    path("corrections/<int:pk>/", corrections.detail, name="payment_correction"),
]
