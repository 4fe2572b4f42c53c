import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from liaison.imports import IMPORT_KINDS, import_file


class Command(BaseCommand):
    help = "导入 .xlsx 或 .csv 文件（spec/import.md）：全部成功才写入，否则列出全部错误并退出码 1。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORT_KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, kind, file, dry_run, **options):
        if not file.is_file():
            raise CommandError(f"文件不存在：{file}")
        # No web user: the history names the operating-system user and the command.
        reason = (f"命令行导入（操作系统用户 {getpass.getuser()}）："
                  f"manage.py import_data {kind} {file.name}")
        # Read from disk chunk by chunk: a large file never sits whole in memory.
        outcome = import_file(kind=kind, filename=file.name, path=file, dry_run=dry_run,
                              reason=reason)
        if not outcome.ok:
            for error in outcome.errors:
                self.stderr.write(error)
            self.stderr.write(f"导入失败：共 {len(outcome.errors)} 个错误，未写入任何数据。")
            raise SystemExit(1)
        prefix = "检查通过（未写入）：" if dry_run else "导入完成："
        self.stdout.write(f"{prefix}{outcome.summary()}")
