"""Screens for relief decisions (緩和措置) and write-off (不納欠損)."""

from django.urls import path

from saiken.web.views import relief

urlpatterns = [
    path("", relief.decision_list, name="relief_list"),
    path("new/", relief.propose, name="relief_propose"),
    path("<int:pk>/", relief.decision, name="relief_decision"),
    path("<int:pk>/approve/", relief.approve, name="relief_approve"),
    path("<int:pk>/reject/", relief.reject, name="relief_reject"),
    path("<int:pk>/revoke/", relief.revoke, name="relief_revoke"),
    path("<int:pk>/end/", relief.end, name="relief_end"),
    path("write-off/", relief.writeoff_candidates, name="relief_writeoff"),
    path("write-off/report/", relief.writeoff_report, name="relief_writeoff_report"),
]
