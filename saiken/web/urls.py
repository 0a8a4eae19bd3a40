from django.urls import include, path

from saiken.web.views import auth, calc, catalog, debtors, home, reports

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
    path("relief/", include("saiken.web.urls_relief")),
]
