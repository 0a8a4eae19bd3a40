from django.urls import path

from saiken.web.views import slips

urlpatterns = [
    path("debtor/<int:pk>/new/", slips.new, name="slip_new"),
    path("<int:pk>/", slips.detail, name="slip_detail"),
    path("<int:pk>/pdf/", slips.pdf, name="slip_pdf"),
    path("pledge/<int:pk>/", slips.pledge, name="slip_pledge"),
    path("demand/<int:pk>/copy/", slips.demand_copy, name="slip_demand_copy"),
]
