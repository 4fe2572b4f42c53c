import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from supervision import services
from supervision.models import ComplianceRun


class Command(BaseCommand):
    help = ("计算某年度的指标结果供督查看板使用，等计算结束后报告结果（完成：行数、用时；"
            "失败：原因，退出码非 0）。有 REDIS_URL 时由 Celery worker 计算。")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int)
        parser.add_argument("--as-of", dest="as_of")
        parser.add_argument("--timeout", type=float, default=None,
                            help="等待 worker 或正在进行的计算最多多少秒"
                                 "（默认 JOB_TIME_LIMIT_SECONDS）")

    def handle(self, *args, year=None, as_of=None, timeout=None, **options):
        from django.utils import timezone

        if timeout is None:
            timeout = settings.JOB_TIME_LIMIT_SECONDS
        try:
            as_of_date = dt.date.fromisoformat(as_of) if as_of else None
            run = services.compliance_run_now(year=year or timezone.localdate().year,
                                              as_of=as_of_date, timeout=timeout)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        except Exception as exc:  # e.g. the database refused every write, the failure's too
            raise CommandError(f"计算失败：{exc}") from exc
        if run.status == ComplianceRun.Status.DONE:
            self.stdout.write(f"{run}：完成，{run.row_count} 行，用时 {seconds(run)} 秒")
        elif run.status == ComplianceRun.Status.SUPERSEDED:
            self.stdout.write(f"{run}：{run.get_status_display()}（看板显示更新的那次计算）")
        elif run.status == ComplianceRun.Status.FAILED:
            raise CommandError(f"{run}：失败：{run.error}")
        else:
            raise CommandError(f"{run}：等待 {timeout:g} 秒后仍{run.get_status_display()}"
                               f"（进度 {run.progress}%），未等到结果")


def seconds(run: ComplianceRun) -> str:
    if run.started_at is None or run.finished_at is None:
        return "?"
    return f"{(run.finished_at - run.started_at).total_seconds():.1f}"
