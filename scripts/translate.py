"""Write a catalog's Chinese from dict modules; list what they do not cover.

Usage: python scripts/translate.py PO_FILE TABLE_MODULE [TABLE_MODULE ...]
e.g.   python scripts/translate.py kefu/locale/zh_Hans/LC_MESSAGES/django.po scripts/zh_project.py
"""

from __future__ import annotations

import runpy
import sys

import polib


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
            value = table.get((entry.msgid, entry.msgid_plural))
            entry.msgstr_plural = dict(enumerate(value)) if value else {0: ""}
        else:
            value = table.get(entry.msgid)
            entry.msgstr = value or ""
        if not value:
            missing.append(entry.msgid)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        entry.previous_msgid_plural = None
    po.save(po_path)
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], *sys.argv[2:]))
