"""Uploaded import files between the preview and the confirmation. They hold personal data,
so they are deleted on confirm or cancel, and an hour after upload otherwise."""

from __future__ import annotations

import os
import time
import uuid

from django.conf import settings

PENDING_DIR = "pending-imports"
PENDING_MAX_AGE_SECONDS = 60 * 60  # an unconfirmed upload (personal data) is kept an hour


def pending_folder():
    return settings.MEDIA_ROOT / PENDING_DIR


def pending_import_store(content: bytes) -> str:
    """Keep an uploaded file between preview and confirmation; returns its token. Uploads
    left unconfirmed for an hour are deleted first."""
    pending_import_purge(PENDING_MAX_AGE_SECONDS)
    token = uuid.uuid4().hex
    folder = pending_folder()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / token).write_bytes(content)
    return token


def pending_import_store_stream(chunks) -> str:
    """As pending_import_store, from an upload's chunks (a large file is not read whole)."""
    pending_import_purge(PENDING_MAX_AGE_SECONDS)
    token = uuid.uuid4().hex
    folder = pending_folder()
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / token).open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    return token


def pending_import_take(token: str) -> bytes | None:
    """The stored file, removed from disk. Renaming claims it atomically, so that of two
    confirmations of one upload (a double click) only one imports it."""
    if not token.isalnum():
        return None
    path = pending_folder() / token
    claimed = path.with_name(f"{token}.taken")
    try:
        path.rename(claimed)
    except FileNotFoundError:
        return None
    content = claimed.read_bytes()
    claimed.unlink()
    return content


def pending_import_claim(token: str) -> str | None:
    """Hand the stored file over to a background import under a new token (a second
    confirmation of the same upload finds nothing). Its age starts again: the purge of
    unconfirmed uploads leaves it to the import, which deletes it when done."""
    if not token.isalnum():
        return None
    claimed = uuid.uuid4().hex
    path = pending_folder() / claimed
    try:
        (pending_folder() / token).rename(path)
    except FileNotFoundError:
        return None
    os.utime(path)
    return claimed


def pending_import_discard(token: str) -> None:
    if token.isalnum():
        (pending_folder() / token).unlink(missing_ok=True)


def pending_import_purge(max_age_seconds: int) -> int:
    """Delete uploads older than `max_age_seconds`; returns how many (the hourly task and
    every new upload call it)."""
    folder = pending_folder()
    if not folder.is_dir():
        return 0
    cutoff = time.time() - max_age_seconds
    old = [p for p in folder.iterdir() if p.is_file() and p.stat().st_mtime < cutoff]
    for path in old:
        path.unlink(missing_ok=True)
    return len(old)
