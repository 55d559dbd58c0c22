"""Template helpers for translated reference data."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.http import urlencode

register = template.Library()


@register.filter
def tr(obj: Any, field: str) -> str:
    """``{{ pillar|tr:"name" }}``: the field in the active language."""
    return obj.tr(field)


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (None removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = urlencode(sorted((k, v) for k, values in params.lists() for v in values))
    return f"?{encoded}" if encoded else "?"
