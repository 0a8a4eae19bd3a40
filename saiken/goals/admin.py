from django.contrib import admin

from saiken.goals.models import GoalRefresh, Indicator, Target


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
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


@admin.register(GoalRefresh)
class GoalRefreshAdmin(admin.ModelAdmin):
    list_display = ("as_of", "started_at", "finished_at")
    readonly_fields = ("as_of", "started_at", "finished_at", "rows")

    def has_add_permission(self, request):
        return False
