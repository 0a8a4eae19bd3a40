"""The audit log in the admin (read-only), and the admin classes every other app uses:
`AuditedAdmin` (a save or delete goes through saiken.audit.changes, with its audit row)
and `ReadOnlyAdmin` (records the system writes: shown, never changed; a change POSTed
to one answers 403)."""

from django.contrib import admin

from saiken.audit.changes import delete_audited, save_audited
from saiken.audit.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdmin(admin.ModelAdmin):
    """An editable admin whose every save and delete is an audited action.

    The object is saved in `save_related`, after the form's many-to-many fields and
    inline rows are known, so that one audit row holds the whole change (Django calls
    save_model and then save_related, in one transaction). Inline rows get rows of their
    own. `deletable = False` refuses deletion (a debtor, a mandate, a disclosure, a
    member of staff is ended, never deleted)."""

    deletable = True

    def has_delete_permission(self, request, obj=None):
        return self.deletable and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        pass  # saved with its audit row in save_related

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        save_audited(obj, user=request.user, related=lambda: super(AuditedAdmin, self).save_related(request, form, formsets, change))

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            delete_audited(obj, user=request.user)
        for obj in instances:
            save_audited(obj, user=request.user)
        formset.save_m2m()

    def delete_model(self, request, obj):
        delete_audited(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            delete_audited(obj, user=request.user)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "summary", "debtor_id"]
    list_filter = ["action"]
    search_fields = ["summary", "action"]
    date_hierarchy = "at"
