"""実施計画・評価・事例ライブラリ・研修記録 (included under "plans/")."""

from django.urls import path

from saiken.web.views import plans

urlpatterns = [
    path("", plans.plan_list, name="plans"),
    path("new/", plans.plan_new, name="plan_new"),
    path("<int:pk>/", plans.plan_detail, name="plan"),
    path("<int:pk>/revise/", plans.plan_revise, name="plan_revise"),
    path("<int:pk>/versions/<int:number>/", plans.plan_version, name="plan_version"),
    path("<int:pk>/adopt/", plans.plan_adopt, name="plan_adopt"),
    path("<int:pk>/evaluations/new/", plans.evaluation_new, name="evaluation_new"),
    path("evaluations/<int:pk>/", plans.evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/finalise/", plans.evaluation_finalise, name="evaluation_finalise"),
    path("evaluations/<int:pk>/next-plan/", plans.plan_next, name="plan_next"),
    path("library/", plans.library, name="library"),
    path("library/cases/new/", plans.solved_case_new, name="solved_case_new"),
    path("library/cases/<int:pk>/", plans.solved_case, name="solved_case"),
    path("training/", plans.training, name="training"),
]
