"""Write a catalog's Chinese from dict modules; list what they do not cover.

Usage: python scripts/translate.py PO_FILE TABLE_MODULE [TABLE_MODULE ...]
e.g.   python scripts/translate.py kefu/locale/zh_Hans/LC_MESSAGES/django.po scripts/zh_project.py

A table's keys: "msgid"; (msgid, msgid_plural) for a plural entry; (msgctxt, msgid) for a
message with a context (pgettext, {% trans "x" context "y" %}); (msgctxt, msgid, msgid_plural)
for a plural one with a context. A message with a context is looked up only by its context:
"by" the deadline and "by" the signer read differently, so one never falls back on the other.
"""

from __future__ import annotations

import runpy
import sys

import polib


def _key(context: str | None, *msgids: str) -> str | tuple[str, ...]:
    """The table key of a catalog entry (see the module's docstring)."""
    if context is None:
        return msgids[0] if len(msgids) == 1 else msgids
    return (context, *msgids)


def main(po_path: str, *table_paths: str) -> int:
    table: dict = {}
    for path in table_paths:
        table.update(runpy.run_path(path)["ZH"])
    po = polib.pofile(po_path)
    missing = []
    # The tables are the one source of the catalog's Chinese: an entry that is not in
    # them is emptied (msgmerge's fuzzy guesses are often wrong) and reported.
    for entry in po:
        if entry.msgid_plural:
            value = table.get(_key(entry.msgctxt, entry.msgid, entry.msgid_plural))
            entry.msgstr_plural = dict(enumerate(value)) if value else {0: ""}
        else:
            value = table.get(_key(entry.msgctxt, entry.msgid))
            entry.msgstr = value or ""
        if not value:
            missing.append(entry.msgid if entry.msgctxt is None else (entry.msgctxt, entry.msgid))
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        entry.previous_msgid_plural = None
        entry.previous_msgctxt = None
    po.save(po_path)
    for key in missing:
        print(f"untranslated: {key!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], *sys.argv[2:]))
