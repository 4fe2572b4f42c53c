"""python manage.py verify_audit — seal new history rows, then check the whole audit chain.

Exit 0 when intact; 1 with one line per break (an edited or deleted history row or link)."""

from django.core.management.base import BaseCommand

from liaison.audit import seal, verify


class Command(BaseCommand):
    help = "校验审计链：发现被改动或删除的修改记录。"

    def handle(self, *args, **options):
        sealed = seal()
        breaks = list(verify())
        if breaks:
            for item in breaks:
                self.stderr.write(item.message)
            self.stderr.write(f"审计链校验未通过：发现 {len(breaks)} 处问题。")
            raise SystemExit(1)
        from liaison.models import AuditSeal

        total = AuditSeal.objects.count()
        self.stdout.write(f"审计链完整：共 {total} 环（本次新封存 {sealed} 环）。")
