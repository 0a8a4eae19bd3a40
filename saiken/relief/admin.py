from django.contrib import admin

from saiken.audit.admin import AuditedAdmin, ReadOnlyAdmin
from saiken.relief.models import ReliefDecision, ReliefDecisionLine, ReliefRule, ReliefSchedule


@admin.register(ReliefRule)
class ReliefRuleAdmin(AuditedAdmin):
    """The city's table of which classes of receivable may use each kind of relief."""

    list_display = ("kind", "tax", "forcible", "non_forcible", "private")
    list_editable = ("tax", "forcible", "non_forcible", "private")


class LineInline(admin.TabularInline):
    model = ReliefDecisionLine
    extra = 0
    can_delete = False
    readonly_fields = ("instalment", "principal", "late_charge", "fee")


class ScheduleInline(admin.TabularInline):
    model = ReliefSchedule
    extra = 0
    can_delete = False
    readonly_fields = ("number", "due_on", "amount")


@admin.register(ReliefDecision)
class ReliefDecisionAdmin(ReadOnlyAdmin):
    """Read-only: decisions change only through the actions (and their audit rows)."""

    list_display = ("id", "kind", "debtor", "receivable", "start_on", "end_on", "status", "proposed_by", "approved_by", "decided_on")
    list_filter = ("kind", "status", "receivable")
    search_fields = ("debtor__name", "debtor__name_kana")
    inlines = [LineInline, ScheduleInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
