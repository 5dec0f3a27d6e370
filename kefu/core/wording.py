"""Small pieces of wording shared by messages people read, in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _


def either(items: Iterable[object]) -> str:
    """``items`` as one alternative in words: "A", "A or B", "A, B or C" (“A”、“B”或“C”).

    The Chinese of the two templates quotes each item (“…”): the items are verb phrases
    or codes that may contain 或 themselves; English reads them as they are.
    """
    texts = [str(item) for item in items]
    if len(texts) < 2:
        return texts[0] if texts else ""
    text = _("%(first)s or %(second)s") % {"first": texts[-2], "second": texts[-1]}
    for item in reversed(texts[:-2]):
        text = _("%(first)s, %(rest)s") % {"first": item, "rest": text}
    return text
