"""目標と実績: the dashboard, the committee's report files and the target-setting screen."""

from django.urls import path

from saiken.web.views import goals

urlpatterns = [
    path("", goals.dashboard, name="dashboard"),
    path("report/", goals.report_file, name="goals_report"),
    path("targets/", goals.targets, name="goals_targets"),
    path("targets/<int:pk>/delete/", goals.target_delete, name="goals_target_delete"),
]
