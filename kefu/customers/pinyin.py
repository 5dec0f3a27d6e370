"""How a Chinese name is spoken, for search (R-CUS-9): 王小明 -> "wangxiaoming", "wxm".

An agent often types the pinyin or its initials of a name they heard on the phone, not its
characters. The readings come from pypinyin's dictionaries; the choice between them is made
here, small and fast, because the index of a million customers is written in one go:

* words of two to four characters found in the phrase dictionary take the phrase's reading
  (银行 -> yinhang, not yinxing);
* any other character takes its most common reading;
* the first character, a surname when the text is a person's name, is also written with each
  of its other readings (曾 -> ceng and zeng, 单 -> dan, shan and chan), so the caller's way of
  saying it is found whichever it is.

Per character and per phrase the readings are worked out once (cached), so a name costs a few
dictionary lookups.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

_HANZI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LONGEST_WORD = 4
_SURNAME_READINGS = 3  # readings of the first character written out, at most


@cache
def _char_readings(char: str) -> tuple[str, ...]:
    """The toneless readings of one character, most common first; () if it has none."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    found = pinyin_dict.get(ord(char))
    if not found:
        return ()
    readings: list[str] = []
    for reading in found.split(","):
        plain = to_normal(reading).replace("ü", "v")
        if plain and plain not in readings:
            readings.append(plain)
    return tuple(readings)


@lru_cache(maxsize=65_536)
def _phrase(word: str) -> tuple[str, ...] | None:
    """The toneless reading of a dictionary word, one syllable per character, or None."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.phrases_dict import phrases_dict

    found = phrases_dict.get(word)
    if not found or len(found) != len(word):
        return None
    return tuple(to_normal(options[0]).replace("ü", "v") for options in found)


def syllables(hanzi: str) -> list[tuple[str, ...]]:
    """Each character's readings (the chosen one first), by forward longest match of words."""
    out: list[tuple[str, ...]] = []
    at = 0
    while at < len(hanzi):
        for size in range(min(_LONGEST_WORD, len(hanzi) - at), 1, -1):
            word = _phrase(hanzi[at : at + size])
            if word is not None:
                out.extend((s,) for s in word)
                at += size
                break
        else:
            out.append(_char_readings(hanzi[at]) or ("",))
            at += 1
    return out


def spoken_forms(text: str | None) -> list[str]:
    """The full pinyin and the initials of the Chinese in ``text``, first with the chosen
    readings, then with the first character's other readings: "曾小明" -> ["cengxiaoming",
    "cxm", "zengxiaoming", "zxm"]. Letters and digits are left to the ordinary search."""
    forms: list[str] = []
    for run in _HANZI.findall(text or ""):
        readings = syllables(run)
        rest = [r[0] for r in readings[1:]]
        for first in readings[0][:_SURNAME_READINGS]:
            spoken = [first, *rest]
            for form in ("".join(spoken), "".join(s[:1] for s in spoken)):
                if form and form not in forms:
                    forms.append(form)
    return forms
