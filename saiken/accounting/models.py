"""Figures the city published before saiken held its ledger."""

from django.db import models


class PublishedYear(models.Model):
    """The seed's FY2012–2017 history of the 14 receivables, as printed (未収金 in 億円)."""

    fiscal_year = models.PositiveSmallIntegerField("年度", unique=True)
    target_unpaid_oku = models.DecimalField("未収金目標額（億円）", max_digits=8, decimal_places=1, null=True, blank=True)
    actual_unpaid_oku = models.DecimalField("未収金実績（億円）", max_digits=8, decimal_places=1)
    reduction_oku = models.DecimalField("縮減額（億円）", max_digits=8, decimal_places=1, null=True, blank=True)
    collection_rate_pct = models.DecimalField("収納率（%）", max_digits=5, decimal_places=1)
    note = models.CharField("備考", max_length=200, blank=True)

    class Meta:
        verbose_name = "公表実績（主要14債権）"
        verbose_name_plural = "公表実績（主要14債権）"
        ordering = ["fiscal_year"]
