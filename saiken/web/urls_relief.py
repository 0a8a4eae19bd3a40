"""Screens for relief decisions (緩和措置) and write-off (不納欠損)."""

urlpatterns: list = []
