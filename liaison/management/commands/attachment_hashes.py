"""Fill the SHA-256 of attachments stored before digests were kept (plausibility rule 5):
every attachment source registered with liaison.plausibility, rows with a file and no
digest. Safe to run again: rows with a digest are left alone."""

from django.core.management.base import BaseCommand

from liaison.attachments import content_sha256
from liaison.plausibility import ATTACHMENTS


class Command(BaseCommand):
    help = "为尚无文件指纹（SHA-256）的附件补算指纹"

    def handle(self, *args, **options):
        total = missing = 0
        for source in ATTACHMENTS:
            manager = source.model._default_manager
            rows = manager.filter(**{source.hash_field: ""}).exclude(**{source.file_field: ""})
            for pk in rows.values_list("pk", flat=True).iterator():
                row = manager.get(pk=pk)
                stored = getattr(row, source.file_field)
                if not stored.storage.exists(stored.name):
                    missing += 1
                    continue
                with stored.open("rb") as fileobj:
                    digest = content_sha256(fileobj)
                # An update, not save(): filling a digest is no change of the record.
                manager.filter(pk=pk).update(**{source.hash_field: digest})
                total += 1
        self.stdout.write(f"已补算 {total} 个附件的文件指纹" +
                          (f"，{missing} 个文件不存在" if missing else ""))
