from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "saiken 債権管理 管理画面"
admin.site.site_title = "saiken 管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("saiken.web.urls")),
]
