import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
"""What Django's json_script escapes, so that the text can never close the script element."""


@register.filter
def app_config(value) -> str:
    """The mobile app's settings as json_script writes them, but with its letters as they are and no spaces:
    a French page's messages escaped as \\u00e9 and the like weighed about 60 bytes more on each first load."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).translate(ESCAPES)
    return format_html('<script id="app-config" type="application/json">{}</script>', mark_safe(text))  # noqa: S308  # nosec B308 B703
