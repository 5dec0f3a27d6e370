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


def one_of(choices: Iterable[tuple[object, object]]) -> str:
    """``(code, label)`` pairs as one alternative, each label with its code beside it:
    “拒绝计算，须先录入该年”（error）或“按周一至周五为工作日计算”（weekdays).

    A person reads the label; the code is what the API takes. The Chinese item template
    quotes the label, so the joins here (unlike :func:`either`'s) add no quotes.
    """
    texts = [_("%(label)s (%(code)s)") % {"label": label, "code": code} for code, label in choices]
    if len(texts) < 2:
        return texts[0] if texts else ""
    text = _("%(choice)s or %(other)s") % {"choice": texts[-2], "other": texts[-1]}
    for item in reversed(texts[:-2]):
        text = _("%(choice)s, %(others)s") % {"choice": item, "others": text}
    return text
