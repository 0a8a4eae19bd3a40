from django.contrib import admin

from saiken.audit.admin import AuditedAdmin
from saiken.goals.models import Indicator, Target


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ("order", "code", "name", "unit", "computation", "parameter", "policy_direction", "active")
    list_display_links = ("code", "name")
    list_filter = ("unit", "computation", "policy_direction", "active")
    search_fields = ("code", "name", "description")

    def get_readonly_fields(self, request, obj=None):
        # Targets and plans refer to the code: fixed once created.
        return ("code",) if obj else ()


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("fiscal_year", "indicator", "receivable", "comparison", "value", "carries_forward", "set_by", "set_at")
    list_filter = ("fiscal_year", "indicator", "receivable", "comparison")
    readonly_fields = ("set_by", "set_at")

    def save_model(self, request, obj, form, change):
        # The admin goes through the same action as the screen, so the change is audited.
        from saiken.goals.actions import delete_target, set_target

        if change:
            original = Target.objects.get(pk=obj.pk)
            if (original.indicator_id, original.receivable_id, original.fiscal_year) != (obj.indicator_id, obj.receivable_id, obj.fiscal_year):
                delete_target(original, user=request.user)
        saved = set_target(
            indicator=obj.indicator, receivable=obj.receivable, fiscal_year=obj.fiscal_year, comparison=obj.comparison,
            value=obj.value, carries_forward=obj.carries_forward, note=obj.note, user=request.user,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        from saiken.goals.actions import delete_target

        delete_target(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        from saiken.goals.actions import delete_target

        for obj in queryset:
            delete_target(obj, user=request.user)


# ---- plans, evaluations, the library, training ----------------------------------------------
# Changes go through the screens (saiken.goals.plans), each audited; the admin shows the
# rows and lets an administrator edit the directions' wording only.

from saiken.goals.models import (  # noqa: E402 (appended section)
    Direction, Evaluation, EvaluationNote, EvaluationResult, ImplementationPlan, PlanAction, PlanTarget, PlanVersion,
    SolvedCase, TrainingRecord,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Direction)
class DirectionAdmin(AuditedAdmin):
    list_display = ("code", "pillar_name", "mark", "name")
    readonly_fields = ("code", "pillar", "mark")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlanVersionInline(admin.TabularInline):
    model = PlanVersion
    fields = ("number", "reason", "created_by", "created_at", "adopted_by", "adopted_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(ImplementationPlan)
class ImplementationPlanAdmin(ReadOnlyAdmin):
    list_display = ("receivable", "first_year", "status", "created_by", "created_at", "adopted_at")
    list_filter = ("status", "first_year", "receivable")
    inlines = [PlanVersionInline]


class PlanActionInline(admin.TabularInline):
    model = PlanAction
    fields = ("order", "text", "year1", "year2", "year3", "section")
    readonly_fields = fields
    extra = 0
    can_delete = False


class PlanTargetInline(admin.TabularInline):
    model = PlanTarget
    fields = ("fiscal_year", "indicator", "comparison", "value", "note", "target")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ("plan", "number", "created_by", "created_at", "adopted_at")
    inlines = [PlanActionInline, PlanTargetInline]


class EvaluationResultInline(admin.TabularInline):
    model = EvaluationResult
    fields = ("fiscal_year", "indicator", "comparison", "value", "actual", "previous", "achieved", "gap", "grade")
    readonly_fields = fields
    extra = 0
    can_delete = False


class EvaluationNoteInline(admin.TabularInline):
    model = EvaluationNote
    fields = ("kind", "title", "text")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ("plan", "fiscal_year", "kind", "status", "as_of", "created_by", "finalised_at")
    list_filter = ("kind", "status", "fiscal_year")
    inlines = [EvaluationResultInline, EvaluationNoteInline]


@admin.register(SolvedCase)
class SolvedCaseAdmin(ReadOnlyAdmin):
    list_display = ("title", "tags", "created_by", "created_at")
    search_fields = ("title", "summary", "what_worked", "tags")


@admin.register(TrainingRecord)
class TrainingRecordAdmin(ReadOnlyAdmin):
    list_display = ("held_on", "course", "user", "hours", "rank", "years_of_experience", "recorded_by")
    list_filter = ("rank",)
    search_fields = ("course",)
