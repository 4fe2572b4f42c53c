from django import template
from django.utils.html import format_html

from liaison.idempotency import TOKEN_FIELD, new_token

register = template.Library()


@register.simple_tag
def form_token():
    """A hidden one-time token: a second submission of this form saves nothing."""
    return format_html('<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, new_token())
