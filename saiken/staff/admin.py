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
