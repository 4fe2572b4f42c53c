from django.db import models
from django.urls import reverse

from liaison.models import Cadre, LedgerRecord
from liaison.permissions import RestrictedQuerySet


class Errand(LedgerRecord):
    ledger_date_fields = ("date",)

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT,
                              related_name="+")
    date = models.DateField("日期")
    title = models.CharField("事项", max_length=100)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        app_label = "plugin_app"
        verbose_name = "跑腿"
        ordering = ["-date", "pk"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plugin_app:errand_detail", args=[self.pk])
