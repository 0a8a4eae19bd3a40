"""Screens for implementation plans and evaluations (filled in by that work)."""

urlpatterns: list = []
