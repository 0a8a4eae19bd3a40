"""Screens for assessments from other systems (調定データ取込)."""

from django.urls import path

from saiken.web.views import assessment_imports

urlpatterns = [
    path("", assessment_imports.imports, name="assessment_imports"),
    path("confirm/", assessment_imports.confirm, name="assessment_confirm"),
    path("imports/<int:pk>/", assessment_imports.import_detail, name="assessment_import"),
]
