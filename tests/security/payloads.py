"""A corpus of cross-site scripting payloads for every user-text field.

Each executing payload calls ``window.__xss(<n>)``, a tripwire the browser tests
install before any page script runs; a payload that executes names itself. The list
covers the usual contexts: element content, attribute breaking, URLs, event handlers,
SVG and MathML, template syntax (Django's and client-side), raw-text elements
(``</textarea>``, ``</title>``, ``</script>``), comments and unicode tricks."""

from __future__ import annotations

PAYLOADS: list[str] = [
    "<script>window.__xss(0)</script>",
    "<img src=x onerror=window.__xss(1)>",
    "<svg onload=window.__xss(2)>",
    '"><img src=x onerror=window.__xss(3)>',
    "'><svg/onload=window.__xss(4)>",
    "javascript:window.__xss(5)",
    "{{7*7}}{% now 'Y' %}${window.__xss(6)}",
    "</textarea><script>window.__xss(7)</script>",
    "</title></style><script>window.__xss(8)</script>",
    "</script><script>window.__xss(9)</script>",
    '<a href="javascript:window.__xss(10)">clic</a>',
    "<iframe srcdoc='<script>parent.__xss(11)</script>'></iframe>",
    "<details open ontoggle=window.__xss(12)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss(13)>",
    "<!--><img src=x onerror=window.__xss(14)>-->",
    "\u202e<scr\u200bipt>window.__xss(15)</script>＜script＞window.__xss(15)＜/script＞",
    '[clic](javascript:window.__xss(16)) ![x](x" onerror="window.__xss(16))',
    "<body onload=window.__xss(17)><input autofocus onfocus=window.__xss(17)>",
]

# Fields with a short limit (a display name: 60 characters) take the payloads that fit.
SHORT = [p for p in PAYLOADS if len(p) <= 60]

# A link field (an URLField) takes only what Django's URL validation lets through;
# these are stored as given when written through the ORM, as a bad import could.
URLS: list[str] = [
    "javascript:window.__xss(20)",
    "JaVaScRiPt:window.__xss(21)",
    "data:text/html,<script>window.__xss(22)</script>",
    'https://example.org/"><img src=x onerror=window.__xss(23)>',
]

TRIPWIRE = """
window.__xssFired = [];
window.__xss = function (n) { window.__xssFired.push(String(n)); };
"""
