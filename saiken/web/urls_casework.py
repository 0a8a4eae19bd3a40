"""Screens for investigations, dispositions and reminders (filled in by that work)."""

urlpatterns: list = []
