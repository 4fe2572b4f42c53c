"""A Content-Security-Policy on every page, and no inline script for it to forbid (#15 item 8)."""

import re
from pathlib import Path

import pytest

from liaison.middleware import CONTENT_SECURITY_POLICY
from tests.liaison.test_permissions import PATTERNS, POST_ONLY, objects_in, url_for

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [p for p in ROOT.glob("*/templates") if ".venv" not in p.parts] + [
    ROOT / "templates"]
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>",
                           re.IGNORECASE)


def test_the_policy_forbids_inline_and_outside_script():
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("template", sorted(str(p) for d in TEMPLATE_DIRS
                                            for p in d.rglob("*.html")))
def test_no_template_has_inline_script(template):
    text = Path(template).read_text()
    assert not INLINE_HANDLER.search(text), "an on...= handler"
    assert not INLINE_SCRIPT.search(text), "an inline <script>"
    assert "javascript:" not in text


def test_every_page_sends_the_policy(client, users, tree):
    client.force_login(users.sysadmin)
    objects = objects_in(tree)
    for pattern in PATTERNS:
        if pattern.name in POST_ONLY:
            continue
        policy = client.get(url_for(pattern, objects))["Content-Security-Policy"]
        # Uploaded files are served under a stricter policy of their own (a sandbox).
        assert policy == CONTENT_SECURITY_POLICY or policy.startswith(
            "sandbox; default-src 'none'"), pattern.name
    assert client.get("/accounts/login/")["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
