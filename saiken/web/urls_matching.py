"""名寄せ (identity matching) screens."""

from django.urls import path

from saiken.web.views import matching

urlpatterns = [
    path("", matching.queue, name="matching_queue"),
    path("candidates/<int:pk>/confirm/", matching.confirm, name="matching_confirm"),
    path("candidates/<int:pk>/reject/", matching.reject, name="matching_reject"),
    path("debtors/<int:pk>/", matching.person, name="matching_person"),
    path("debtors/<int:pk>/unlink/", matching.unlink, name="matching_unlink"),
]
