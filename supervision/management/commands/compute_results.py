import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from supervision import services


class Command(BaseCommand):
    help = "计算某年度的指标结果供督查看板使用（有 REDIS_URL 时交给 Celery worker）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int)
        parser.add_argument("--as-of", dest="as_of")

    def handle(self, *args, year=None, as_of=None, **options):
        today = timezone.localdate()
        try:
            as_of_date = dt.date.fromisoformat(as_of) if as_of else None
            with transaction.atomic():
                run = services.compliance_run_request(year=year or today.year, as_of=as_of_date,
                                                      acting_user=None)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        run.refresh_from_db()
        self.stdout.write(f"{run}：{run.get_status_display()}")
