"""The audit chain (#15): every history row (django-simple-history, DESIGN.md §5) is sealed
into a chain of SHA-256 hashes. Editing or deleting a sealed history row, or a link of the
chain, breaks the chain where it happened, and `manage.py verify_audit` says where.

Rows are sealed in batches (an every-10-minutes beat task and every verification), so the
history written in the last minutes is not yet covered; sealing never slows a write.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction

GENESIS = "0" * 64
BATCH = 2000


def history_models() -> list:
    """Every historical model, in a fixed order."""
    return sorted((m for m in apps.get_models()
                   if m.__name__.startswith("Historical") and hasattr(m, "history_id")),
                  key=lambda m: m._meta.label)


def digest_of(row) -> str:
    values = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def link_hash(prev_hash: str, label: str, history_id: int, digest: str) -> str:
    return hashlib.sha256(f"{prev_hash}|{label}|{history_id}|{digest}".encode()).hexdigest()


def seal() -> int:
    """Seal every history row not sealed yet; returns how many. One sealing at a time."""
    from liaison.models import AuditSeal
    from liaison.services import serialize_on

    sealed = 0
    with transaction.atomic():
        serialize_on("audit-seal")
        last = AuditSeal.objects.order_by("-pk").first()
        prev = last.hash if last else GENESIS
        for model in history_models():
            label = model._meta.label
            # Not "above the last sealed id": a transaction that committed late may have
            # written a lower id after a higher one was sealed.
            sealed_ids = AuditSeal.objects.filter(history_model=label).values("history_id")
            rows = model.objects.exclude(history_id__in=sealed_ids).order_by("history_id")
            links = []
            for row in rows.iterator(chunk_size=BATCH):
                digest = digest_of(row)
                before, prev = prev, link_hash(prev, label, row.history_id, digest)
                links.append(AuditSeal(history_model=label, history_id=row.history_id,
                                       digest=digest, prev_hash=before, hash=prev))
                if len(links) >= BATCH:
                    AuditSeal.objects.bulk_create(links)
                    sealed += len(links)
                    links = []
            AuditSeal.objects.bulk_create(links)
            sealed += len(links)
    return sealed


@dataclass(frozen=True)
class Break:
    seq: int
    message: str


def verify() -> Iterator[Break]:
    """Walk the chain: each link's hash from the one before, and each sealed history row's
    content against its digest."""
    from liaison.models import AuditSeal

    models = {m._meta.label: m for m in history_models()}
    prev = GENESIS
    for link in AuditSeal.objects.order_by("pk").iterator(chunk_size=BATCH):
        if link.prev_hash != prev:
            yield Break(link.pk, f"第 {link.pk} 环之前的封存记录被删除或改动")
        if link_hash(link.prev_hash, link.history_model, link.history_id,
                     link.digest) != link.hash:
            yield Break(link.pk, f"第 {link.pk} 环的封存记录被改动")
        model = models.get(link.history_model)
        row = model.objects.filter(history_id=link.history_id).first() if model else None
        if row is None:
            yield Break(link.pk, f"{link.history_model} 的历史记录 {link.history_id} 已被删除")
        elif digest_of(row) != link.digest:
            yield Break(link.pk, f"{link.history_model} 的历史记录 {link.history_id} 已被改动")
        prev = link.hash

