"""What users read is Chinese first: every string of every catalog is translated and compiled."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

import kefu

CATALOGS = sorted(Path(kefu.__file__).parent.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_it_has_a_chinese_catalog():
    assert CATALOGS


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.parent.parent.parent.parent.name))
def test_it_translates_every_string_into_chinese_and_ships_it_compiled(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {po_path}: {untranslated[:5]}"
    assert not fuzzy, f"fuzzy in {po_path}: {fuzzy[:5]}"
    compiled = polib.mofile(str(po_path.with_suffix(".mo")))
    # Keyed by context too: "approved" the status and "approved" the action differ.
    shipped = {(e.msgctxt, e.msgid): e.msgstr for e in compiled if not e.msgid_plural}
    stale = [
        e.msgid for e in po if not e.msgid_plural and shipped.get((e.msgctxt, e.msgid)) != e.msgstr
    ]
    assert not stale, f"{po_path.with_suffix('.mo')} is out of date: run make messages"


def _repeats_itself(text: str) -> bool:
    """True for "ABCABC" or "ABCABCABC": a translation pasted more than once."""
    return any(
        len(text) % k == 0 and len(text) // k > 3 and text == text[: len(text) // k] * k
        for k in (2, 3, 4)
    )


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.parent.parent.parent.parent.name))
def test_no_translation_says_its_sentence_twice(po_path):
    """A reader saw a refusal printed three times over on the customer pages: a catalog
    filled twice appends instead of replacing; no message may repeat itself."""
    repeated = [e.msgid for e in polib.pofile(str(po_path)) if _repeats_itself(e.msgstr)]
    assert not repeated, f"translations repeating themselves in {po_path}: {repeated[:3]}"
