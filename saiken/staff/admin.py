"""Staff, their logins and tax disclosures in the admin: every change is audited with the
fields before and after (saiken.audit.changes) — a role, a department, is_active,
is_superuser, groups and permissions, and a password reset (recorded as changed, never
its value). Nothing here is deleted: a member of staff who leaves is made inactive, a
disclosure that ends gets its 終了日 (valid_to)."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction

from saiken.audit.admin import AuditedAdmin, ReadOnlyAdmin
from saiken.audit.changes import record_password_change
from saiken.staff.models import StaffProfile, TaxDisclosure

User = get_user_model()


@admin.register(StaffProfile)
class StaffProfileAdmin(AuditedAdmin):
    deletable = False
    list_display = ["user", "department", "role", "rank"]
    list_filter = ["role", "department"]


@admin.register(TaxDisclosure)
class TaxDisclosureAdmin(AuditedAdmin):
    """税情報の利用根拠: granted here (who recorded it is the administrator), revoked by its 終了日."""

    deletable = False
    list_display = ["debtor", "department", "basis", "detail", "valid_from", "valid_to", "recorded_by"]
    raw_id_fields = ["debtor"]
    readonly_fields = ["recorded_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user


for model in (User, Group):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    deletable = False

    def user_change_password(self, request, id, form_url=""):
        """Django's password form saves the user itself: the reset is recorded here."""
        user = self.get_object(request, unquote(id))
        before = user.password if user is not None else None
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if user is not None and request.method == "POST":
                user.refresh_from_db(fields=["password"])
                if user.password != before:
                    record_password_change(user=request.user, target=user)
        return response


@admin.register(Group)
class GroupAdmin(AuditedAdmin, DjangoGroupAdmin):
    pass


# 行政サービス利用制限の照会: the services are configuration; client systems are registered
# and revoked with `saiken service-client` (tokens never pass through the admin); calls
# and consents are records, read-only here.
from saiken.staff.models import Service, ServiceCheck, ServiceClient, ServiceConsent  # noqa: E402


@admin.register(Service)
class ServiceAdmin(AuditedAdmin):
    list_display = ["code", "name", "department", "active"]
    list_filter = ["department", "active"]


@admin.register(ServiceClient)
class ServiceClientAdmin(ReadOnlyAdmin):
    list_display = ["name", "department", "active", "created_at", "revoked_at"]
    exclude = ["token_hash"]


@admin.register(ServiceCheck)
class ServiceCheckAdmin(ReadOnlyAdmin):
    list_display = ["asked_at", "service_name", "client", "asked_by", "result"]
    list_filter = ["result", "service"]


@admin.register(ServiceConsent)
class ServiceConsentAdmin(ReadOnlyAdmin):
    list_display = ["document_number", "service", "consented_on"]
