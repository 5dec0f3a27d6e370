"""What users read is Chinese first: every string of every catalog is translated and compiled,
and every model and field name reads in Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.apps import apps as django_apps
from django.utils import translation

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


_CHINESE = re.compile(r"[\u3400-\u9fff]")


def _untranslated_names() -> list[str]:
    """Every name of a Kefu model or model field (with its help text and choice labels) that
    still reads in English under zh-hans."""
    found = []
    with translation.override("zh-hans"):
        for model in django_apps.get_models():
            if not model.__module__.startswith("kefu."):
                continue
            meta = model._meta
            for attr in ("verbose_name", "verbose_name_plural"):
                if not _CHINESE.search(str(getattr(meta, attr))):
                    found.append(f"{meta.label} {attr}: {getattr(meta, attr)}")
            for field in meta.get_fields(include_hidden=False):
                if field.auto_created or not hasattr(field, "verbose_name"):
                    continue
                if not _CHINESE.search(str(field.verbose_name)):
                    found.append(f"{meta.label}.{field.name}: {field.verbose_name}")
                if field.help_text and not _CHINESE.search(str(field.help_text)):
                    found.append(f"{meta.label}.{field.name} help: {field.help_text}")
                for value, label in getattr(field, "flatchoices", None) or ():
                    if str(label) != str(value) and not _CHINESE.search(str(label)):
                        found.append(f"{meta.label}.{field.name} choice {value}: {label}")
    return found


def test_every_model_and_field_name_reads_in_chinese():
    """The admin, forms, exports and audit trail name models and fields by their verbose
    names: "ticket event" or "partys" on a Chinese page was a defect. A new model or field
    needs verbose_name=_("...") and its Chinese in the catalog."""
    untranslated = _untranslated_names()
    assert not untranslated, f"{len(untranslated)} names read in English: {untranslated[:10]}"


def test_the_names_read_in_english_when_the_reader_asks_for_english():
    from kefu.incidents.models import Party
    from kefu.tickets.models import TicketEvent

    with translation.override("en"):
        assert str(Party._meta.verbose_name_plural) == "parties answering"
        assert str(TicketEvent._meta.get_field("actor").verbose_name) == "actor"
    with translation.override("zh-hans"):
        assert str(Party._meta.verbose_name_plural) == "责任人"
        assert str(TicketEvent._meta.verbose_name) == "工单事件"


def _catalog_name(po_path: Path) -> str:
    """kefu/locale for the project catalog, kefu/<app>/locale for an app's own."""
    return str(po_path.parents[2].relative_to(Path(kefu.__file__).parent.parent))


def _disagreements() -> list[str]:
    """Every message (with its context) that two catalogs translate differently."""
    seen: dict[tuple, dict[str, str]] = {}
    for po_path in CATALOGS:
        for entry in polib.pofile(str(po_path)):
            if entry.msgid_plural:
                chinese = " | ".join(v for _k, v in sorted(entry.msgstr_plural.items()))
            else:
                chinese = entry.msgstr
            if chinese.strip(" |"):
                key = (entry.msgctxt, entry.msgid, entry.msgid_plural)
                seen.setdefault(key, {})[_catalog_name(po_path)] = chinese
    return [
        f"{msgid!r}"
        + (f" (context {context!r})" if context else "")
        + ": "
        + ", ".join(f"{catalog} {chinese!r}" for catalog, chinese in sorted(by_catalog.items()))
        for (context, msgid, _plural), by_catalog in seen.items()
        if len(set(by_catalog.values())) > 1
    ]


def test_no_two_catalogs_translate_the_same_message_differently():
    """Django merges every catalog of a language into one table, the project's (LOCALE_PATHS)
    first: a message that two catalogs translate differently reads one way everywhere. A
    signed monthly report read "签发时间 … 期限 王秀英" because the tickets' "by" (a deadline)
    won over the reports' "by" (the signer). Pick one Chinese for a message that means the
    same wherever it is used; give the use sites a context (pgettext, {% trans … context %})
    where the meanings differ."""
    found = _disagreements()
    assert not found, f"{len(found)} messages read differently in two catalogs: " + "; ".join(
        found[:10]
    )
