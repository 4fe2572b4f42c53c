"""python manage.py petitions --as-of 2025-06-30 [--format csv|json] [--org CODE]

Every case as it stood at the as-of date (spec/petitions.md §5), sorted by case code."""

import csv
import datetime as dt
import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from liaison.models import Organization
from petitions.clocks import CLOCKS, state_at
from petitions.models import Petition

FIELDS = ("case_code", "stage", "due_on", "days_left", *CLOCKS)


class Command(BaseCommand):
    help = "按 spec/petitions.md 输出截至某日各信访事项的阶段、期限和按期情况（CSV 或 JSON）。"

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.error = self.fail  # exit 2 with one line, not argparse's usage block
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--org")

    def fail(self, message: str):
        self.stderr.write(f"petitions: {message}")
        raise SystemExit(2)

    def handle(self, *args, as_of, format, org, **options):
        as_of_date = timezone.localdate()
        if as_of:
            try:
                as_of_date = dt.date.fromisoformat(as_of)
            except ValueError:
                self.fail(f"bad --as-of date: {as_of!r} (expected YYYY-MM-DD)")
        cases = Petition.objects.filter(received_on__lte=as_of_date)
        if org:
            organization = Organization.objects.filter(code=org).first()
            if organization is None:
                self.fail(f"unknown organization code: {org!r}")
            cases = cases.filter(handling_unit__path__startswith=organization.path)
        rows = sorted((state_at(case, as_of_date).row(case.code) for case in cases.only(
            "code", "received_on", "decision", "decided_on", "replied_on",
            "review_requested_on", "review_decided_on", "re_review_requested_on",
            "re_review_decided_on", "extension_granted_on", "decision_due", "handling_due",
            "handling_due_extended", "review_due", "re_review_due").iterator(chunk_size=5000)),
            key=lambda row: row["case_code"])
        out = self.stdout  # what call_command(stdout=...) captures; sys.stdout otherwise
        if format == "json":
            out.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
            return
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(FIELDS)
        for row in rows:
            writer.writerow(["" if row[f] is None else row[f] for f in FIELDS])
