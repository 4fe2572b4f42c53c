"""Template filters for text shown to the public."""

from django import template

from liaison.personal import redact_personal

register = template.Library()


@register.filter
def redact(text: str) -> str:
    """Free text on a public page (a progress note, an amendment's reason) without the
    personal data that can be recognised."""
    return redact_personal(text)
