"""Screens for prescription (時効管理)."""

from django.urls import path

from saiken.web.views import prescription

urlpatterns = [
    path("warnings/", prescription.warnings, name="prescription_warnings"),
]
