"""python manage.py compliance --year 2025 [--as-of 2025-06-30] [--format csv|json] [--org CODE]

Prints every compliance row of spec/compliance.md §8 on standard output."""

import csv
import datetime as dt
import json
import sys

from django.core.management.base import BaseCommand

from liaison.compliance.engine import Row, compute_compliance
from liaison.models import Organization


class Command(BaseCommand):
    help = "按 spec/compliance.md 计算某年度的指标完成情况，输出 CSV 或 JSON。"

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.error = self.fail  # spec §8: exit 2 with one line, not argparse's usage block
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--as-of", dest="as_of")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--org")

    def fail(self, message: str):
        self.stderr.write(f"compliance: {message}")
        raise SystemExit(2)

    def handle(self, *args, year, as_of, format, org, **options):
        as_of_date = None
        if as_of:
            try:
                as_of_date = dt.date.fromisoformat(as_of)
            except ValueError:
                self.fail(f"bad --as-of date: {as_of!r} (expected YYYY-MM-DD)")
        if not 1 <= year <= 9999:
            self.fail(f"bad --year: {year}")
        organization = None
        if org:
            organization = Organization.objects.filter(code=org).first()
            if organization is None:
                self.fail(f"unknown organization code: {org!r}")
        try:
            rows = compute_compliance(year=year, as_of=as_of_date, org=organization)
        except ValueError as exc:
            self.fail(str(exc))
        out = sys.stdout
        if format == "json":
            out.write(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=1))
            out.write("\n")
            return
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(Row.FIELDS)
        for row in rows:
            writer.writerow([getattr(row, f) for f in Row.FIELDS])
