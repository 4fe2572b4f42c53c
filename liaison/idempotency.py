"""One submission, one record (#15): every form carries a one-time token; a second submission
of the same token (a double tap, a resent request) saves nothing and leads to what the first
saved. The claim is an atomic cache.add in the shared cache (the database table or Redis)."""

from __future__ import annotations

import uuid

from django.core.cache import cache

TOKEN_FIELD = "form_token"
KEEP_SECONDS = 24 * 60 * 60
SAVING = "saving"


def new_token() -> str:
    return uuid.uuid4().hex


def _key(request) -> str | None:
    token = request.POST.get(TOKEN_FIELD, "")
    if not (token.isalnum() and len(token) <= 64):
        return None
    return f"submission:{request.user.pk}:{token}"


def submission_claim(request) -> str | None:
    """None for the first submission of a form (or a form without a token); for a repeat,
    the URL the first one led to (SAVING while it is still being saved)."""
    key = _key(request)
    if key is None or cache.add(key, SAVING, KEEP_SECONDS):
        return None
    return cache.get(key) or SAVING


def submission_done(request, url: str) -> None:
    if key := _key(request):
        cache.set(key, url, KEEP_SECONDS)


def submission_release(request) -> None:
    """The submission was refused (a form error): the corrected form may be sent again."""
    if key := _key(request):
        cache.delete(key)


def repeated_submission_response(request, previous: str, fallback: str):
    from django.contrib import messages
    from django.shortcuts import redirect

    messages.info(request, "该表单已经提交过，没有重复保存。")
    return redirect(previous if previous != SAVING else fallback)
