from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "saiken 債権管理 管理画面"
admin.site.site_title = "saiken 管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("saiken.web.urls")),
]

# Our own pages, in Japanese (saiken.web.views.errors); a policy.Refused becomes the 403.
handler400 = "saiken.web.views.errors.bad_request"
handler403 = "saiken.web.views.errors.forbidden"
handler404 = "saiken.web.views.errors.not_found"
handler500 = "saiken.web.views.errors.server_error"
