"""Screens for case work (滞納整理)."""

from django.urls import path
from django.views.generic import RedirectView

from saiken.web.views import cases

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="case_queue"), name="cases"),
    path("queue/", cases.queue, name="case_queue"),
    path("team/", cases.team, name="case_team"),
    path("transfer/", cases.transfer, name="case_transfer"),
    path("central/", cases.central, name="case_central"),
    path("stalls/", cases.stalls_view, name="case_stalls"),
    path("debtor/<int:debtor_id>/", cases.case_page, name="case"),
    path("debtor/<int:debtor_id>/open/", cases.open_view, name="case_open"),
    path("debtor/<int:debtor_id>/contact/", cases.contact, name="case_contact"),
    path("debtor/<int:debtor_id>/pledge/", cases.pledge, name="case_pledge"),
    path("debtor/<int:debtor_id>/promise/", cases.promise, name="case_promise"),
    path("debtor/<int:debtor_id>/task/", cases.task, name="case_task"),
    path("debtor/<int:debtor_id>/tasks/<int:pk>/done/", cases.task_done, name="case_task_done"),
    path("debtor/<int:debtor_id>/next-action/", cases.next_action, name="case_next_action"),
    path("debtor/<int:debtor_id>/assign/", cases.assign, name="case_assign"),
    path("debtor/<int:debtor_id>/referral/", cases.referral, name="case_referral"),
    path("debtor/<int:debtor_id>/referrals/<int:pk>/outcome/", cases.referral_outcome, name="case_referral_outcome"),
    path("debtor/<int:debtor_id>/return/", cases.return_view, name="case_return"),
    path("debtor/<int:debtor_id>/close/", cases.close, name="case_close"),
]
