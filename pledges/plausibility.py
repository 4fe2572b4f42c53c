"""What pledges contribute to the plausibility flags (liaison.plausibility): the evidence
files of progress notes, kept with their pledge (rule 5)."""

from django.db.models import F

from liaison.plausibility import AttachmentSource, register_attachment_source
from pledges.models import Pledge, ProgressEvidence


def evidence_files():
    return ProgressEvidence.objects.annotate(
        file_hash=F("sha256"), record_id=F("progress__pledge_id"),
        record_cadre=F("progress__pledge__cadre_id"), record_date=F("progress__date"))


register_attachment_source(AttachmentSource(ProgressEvidence, Pledge, evidence_files))
