from django.urls import include, path

from saiken.web.views import audit_log, auth, calc, catalog, debtors, demands, home, reports, service_check

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("catalog/", catalog.catalog, name="catalog"),
    path("catalog/<slug:code>/", catalog.receivable, name="receivable"),
    path("debtors/", debtors.search, name="debtor_search"),
    path("debtors/<int:pk>/", debtors.debtor, name="debtor"),
    path("reports/collection/", reports.collection, name="collection_report"),
    path("calc/late-charge/", calc.late_charge_calculator, name="late_charge_calculator"),
    path("demands/", demands.runs, name="demand_runs"),
    path("demands/runs/<int:pk>/", demands.run, name="demand_run"),
    path("demands/runs/<int:pk>/render/", demands.render_documents, name="demand_run_render"),
    path("demands/runs/<int:pk>/pdf/", demands.document, name="demand_run_pdf"),
    path("demands/compliance/", demands.compliance_view, name="demand_compliance"),
    path("audit/", audit_log.search, name="audit_log"),
    path("service-check/", service_check.screen, name="service_check"),
    path("api/service-check/", service_check.api, name="service_check_api"),
    path("payments/", include("saiken.web.urls_payments")),
    path("assessments/", include("saiken.web.urls_assessments")),
    path("relief/", include("saiken.web.urls_relief")),
    path("cases/", include("saiken.web.urls_cases")),
    path("casework/", include("saiken.web.urls_casework")),
    path("matching/", include("saiken.web.urls_matching")),
    path("goals/", include("saiken.web.urls_goals")),
    path("plans/", include("saiken.web.urls_plans")),
    path("prescription/", include("saiken.web.urls_prescription")),
]
