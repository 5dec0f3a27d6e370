"""Small pieces of wording shared by messages people read, in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _


def either(items: Iterable[object]) -> str:
    """``items`` as one alternative in words: "A", "A or B", "A, B or C" (“A”、“B”或“C”).

    The Chinese of the two templates quotes each item (“…”): the items are verb phrases
    or codes that may contain 或 themselves; English reads them as they are.
    """
    return _joined(
        [str(item) for item in items],
        lambda first, second: _("%(first)s or %(second)s") % {"first": first, "second": second},
        lambda first, rest: _("%(first)s, %(rest)s") % {"first": first, "rest": rest},
    )


def one_of(choices: Iterable[tuple[object, object]]) -> str:
    """``(code, label)`` pairs as one alternative, each label with its code beside it:
    “拒绝计算，须先录入该年”（error）或“按周一至周五为工作日计算”（weekdays).

    A person reads the label; the code is what the API takes. The Chinese item template
    quotes the label, so the joins here (unlike :func:`either`'s) add no quotes.
    """
    return _joined(
        [_("%(label)s (%(code)s)") % {"label": label, "code": code} for code, label in choices],
        lambda choice, other: _("%(choice)s or %(other)s") % {"choice": choice, "other": other},
        lambda choice, others: _("%(choice)s, %(others)s") % {"choice": choice, "others": others},
    )


def _joined(texts: list[str], pair, more) -> str:
    """ "A", "A or B", "A, B or C": ``pair`` joins the last two, ``more`` puts each earlier
    one in front."""
    if len(texts) < 2:
        return texts[0] if texts else ""
    text = pair(texts[-2], texts[-1])
    for item in reversed(texts[:-2]):
        text = more(item, text)
    return text
