"""The admin's page of authenticator devices (二要素認証): see and delete, nothing else.

Replaces django-otp's own page (which can add a device with a key of the administrator's
choosing and show a device's key and QR code): an administrator only deletes the device
of someone who lost their phone (audited as "otp.reset", saiken.staff.second_factor),
and that person enrols again at the next login.
"""

from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from saiken.staff import second_factor

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        second_factor.reset(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for device in queryset:
            second_factor.reset(device, by=request.user)
