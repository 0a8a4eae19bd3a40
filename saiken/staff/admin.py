from django.contrib import admin

from saiken.staff.models import StaffProfile, TaxDisclosure


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "department", "role", "rank"]
    list_filter = ["role", "department"]


@admin.register(TaxDisclosure)
class TaxDisclosureAdmin(admin.ModelAdmin):
    list_display = ["debtor", "department", "basis", "detail", "valid_from", "valid_to"]
    raw_id_fields = ["debtor"]


# 行政サービス利用制限の照会: the services are configuration; client systems are registered
# and revoked with `saiken service-client` (tokens never pass through the admin); calls
# and consents are records, read-only here.
from saiken.staff.models import Service, ServiceCheck, ServiceClient, ServiceConsent  # noqa: E402


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department", "active"]
    list_filter = ["department", "active"]


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceClient)
class ServiceClientAdmin(_ReadOnly):
    list_display = ["name", "department", "active", "created_at", "revoked_at"]
    exclude = ["token_hash"]


@admin.register(ServiceCheck)
class ServiceCheckAdmin(_ReadOnly):
    list_display = ["asked_at", "service_name", "client", "asked_by", "result"]
    list_filter = ["result", "service"]


@admin.register(ServiceConsent)
class ServiceConsentAdmin(_ReadOnly):
    list_display = ["document_number", "service", "consented_on"]
