from django.contrib import admin
from django.utils.html import format_html_join

from saiken.audit.admin import AuditedAdmin
from saiken.catalog.models import Department, LateChargeRate, ReceivableType


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(ReceivableType)
class ReceivableTypeAdmin(AuditedAdmin):
    list_display = ("number", "name", "legal_class", "account", "department", "prescription_years", "late_charge_kind", "demand_fee", "active")
    list_filter = ("legal_class", "account", "department", "active")
    search_fields = ("code", "name")
    fieldsets = (
        (None, {"fields": ("code", "number", "name", "legal_class", "is_tax", "account", "department", "is_major", "active")}),
        ("時効", {"fields": ("prescription_years", "prescription_start", "prescription_objective_years", "prescription_old_law_years", "prescription_needs_invocation")}),
        ("延滞金・遅延損害金", {"fields": ("late_charge_kind", "late_charge_lower_months", "late_charge_start", "late_charge_min_principal", "late_charge_base_unit", "late_charge_min_total", "late_charge_total_unit", "contract_rate_basis_points", "contract_rate_periods", "late_charge_term")}),
        ("督促", {"fields": ("demand_window_days", "designated_deadline_days", "designated_deadline_rolls", "demand_fee", "stall_days_after_reminder")}),
        ("根拠法令（督促状・催告書・差押調書に印刷）", {
            "description": "督促状等に印刷する文の条項です。条例名は市の正式な名称にしてください。"
                           "保存すると、下の「印刷される文」が変わります。",
            "fields": ("demand_basis", "late_charge_basis", "seizure_basis", "enforcement_basis", "printed_sentences"),
        }),
        ("充当", {"fields": ("allocation_order", "allocation_scope")}),
        (None, {"fields": ("note",)}),
    )
    readonly_fields = ("printed_sentences",)

    @admin.display(description="印刷される文（督促状）")
    def printed_sentences(self, obj):
        if obj is None or not obj.pk:
            return "保存後に表示します。"
        t = obj.legal_texts
        rows = [("督促", t.demand_sentence), (t.late_charge_heading or "延滞金", t.late_charge_sentence or "（印刷しません）"),
                ("滞納処分" if obj.legal_class == "forcible" else "法的措置", t.warning)]
        return format_html_join("", "<p><strong>{}</strong>　{}</p>", rows)


@admin.register(LateChargeRate)
class LateChargeRateAdmin(AuditedAdmin):
    list_display = ("year", "lower_bp", "after_bp", "deferment_bp")
