"""Screens for investigations, ability to pay, dispositions and reminders (included under "casework/")."""

from django.urls import path

from saiken.web.views import case_work

urlpatterns = [
    path("debtor/<int:debtor_id>/", case_work.case_overview, name="casework_case"),
    path("debtor/<int:debtor_id>/investigations/new/", case_work.investigation_new, name="investigation_new"),
    path("debtor/<int:debtor_id>/investigations/<int:pk>/", case_work.investigation, name="investigation"),
    path("debtor/<int:debtor_id>/investigations/<int:pk>/pdf/", case_work.investigation_pdf, name="investigation_pdf"),
    path("debtor/<int:debtor_id>/ability/", case_work.ability_view, name="ability"),
    path("debtor/<int:debtor_id>/dispositions/new/", case_work.disposition_new, name="disposition_new"),
    path("debtor/<int:debtor_id>/dispositions/<int:pk>/", case_work.disposition, name="disposition"),
    path("debtor/<int:debtor_id>/dispositions/<int:pk>/pdf/", case_work.disposition_pdf, name="disposition_pdf"),
    path("reminders/", case_work.reminders_view, name="reminders"),
    path("reminders/runs/<int:pk>/", case_work.reminder_run, name="reminder_run"),
    path("reminders/runs/<int:pk>/render/", case_work.reminder_run_render, name="reminder_run_render"),
    path("reminders/runs/<int:pk>/pdf/", case_work.reminder_run_pdf, name="reminder_run_pdf"),
]
