"""python manage.py backup [--output DIR]

A consistent copy of the database and the uploaded files, taken while the platform runs:
SQLite through its online backup API, PostgreSQL through pg_dump (custom format). How to
restore: docs/backup.md."""

import datetime as dt
import os
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "备份数据库和上传的文件（恢复方法见 docs/backup.md）。"

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=settings.VAR_DIR / "backups")

    def handle(self, *args, output: Path, **options):
        output.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        database = self.backup_database(output, stamp)
        media = self.backup_media(output, stamp)
        self.stdout.write(f"数据库：{database}")
        self.stdout.write(f"上传文件：{media}")

    def backup_database(self, output: Path, stamp: str) -> Path:
        db = settings.DATABASES["default"]
        if connection.vendor == "sqlite":
            target = output / f"liaison-{stamp}.sqlite3"
            source = sqlite3.connect(db["NAME"])
            try:
                with sqlite3.connect(target) as copy:
                    source.backup(copy)
            finally:
                source.close()
            return target
        if connection.vendor == "postgresql":
            target = output / f"liaison-{stamp}.dump"
            env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
            command = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}",
                       f"--host={db.get('HOST') or 'localhost'}",
                       f"--port={db.get('PORT') or 5432}",
                       f"--username={db.get('USER') or 'postgres'}", db["NAME"]]
            try:
                result = subprocess.run(command, env=env, capture_output=True, text=True)
            except FileNotFoundError:
                raise CommandError("找不到 pg_dump，请安装 postgresql-client") from None
            if result.returncode != 0:
                raise CommandError(f"pg_dump 失败：{result.stderr.strip()}")
            return target
        raise CommandError(f"不支持的数据库：{connection.vendor}")

    def backup_media(self, output: Path, stamp: str) -> Path:
        target = output / f"media-{stamp}.tar.gz"
        with tarfile.open(target, "w:gz") as archive:
            if Path(settings.MEDIA_ROOT).is_dir():
                archive.add(settings.MEDIA_ROOT, arcname="media")
        return target
