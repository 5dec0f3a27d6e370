"""Fill a catalog's empty Chinese translations from a dict module; list what is still missing.

Usage: python scripts/translate.py PO_FILE TABLE_MODULE
e.g.   python scripts/translate.py kefu/locale/zh_Hans/LC_MESSAGES/django.po scripts/zh_project.py
"""

from __future__ import annotations

import runpy
import sys

import polib


def main(po_path: str, table_path: str) -> int:
    table = runpy.run_path(table_path)["ZH"]
    po = polib.pofile(po_path)
    missing = []
    for entry in po:
        if entry.msgid_plural:
            value = table.get((entry.msgid, entry.msgid_plural))
            if value:
                entry.msgstr_plural = dict(enumerate(value))
            elif not any(entry.msgstr_plural.values()):
                missing.append(entry.msgid)
        else:
            if entry.msgid in table:
                entry.msgstr = table[entry.msgid]
            elif not entry.msgstr:
                missing.append(entry.msgid)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save(po_path)
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:3]))
