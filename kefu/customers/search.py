"""R-CUS-9: Chinese search by any part of name, phone digits, company, address or ID, and
by the pinyin or pinyin initials of the name and company (kefu/customers/pinyin.py).

Both databases index the same tokens: the overlapping 3-character grams of each
normalised field, followed by the field's last two suffixes ("王小明" -> "王小明 小明
明"). A query of 1-3 characters is a prefix query on those tokens; a longer one needs
all of its grams. That finds any substring, in Chinese, of any length, from the
index. Writing the grams ourselves (rather than SQLite's ``trigram`` tokenizer or
PostgreSQL's ``pg_trgm``, both measured first) is what lets one- and two-character
queries ("王", "小明"), most Chinese name searches, use the index too: both trigram
schemes need three characters and fall back to a full scan below that.

SQLite: the FTS5 table ``customers_search`` (rowid = customer id) holds the grams,
with prefix indexes for 1 and 2 characters; a longer query is the phrase of its
grams, so no recheck is needed.

PostgreSQL: the narrow table ``customers_search`` (id, normalised text) with a GIN
index on ``kefu_customer_grams(text)`` (migration 0002). A query that matches many
rows is answered by reading the newest rows in id order until the limit is reached
(an index on grams cannot order, and its posting lists for common grams are long); a
selective one by the GIN index. Which is which is decided by looking at the newest
:data:`_PROBE_ROWS` rows: the planner cannot tell, its estimate for several grams
together being far too low.

A search returns at most :data:`SEARCH_LIMIT` matches, newest first, so a query that
matches a tenth of a million customers still answers at once; the page says when
the limit was reached and asks for a narrower query.

The services keep the index in step on every write (:func:`index_customers`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection

GRAM = 3
SEARCH_LIMIT = 500
_PROBE_ROWS = 10_000  # rows per block read in id order on PostgreSQL
_FIRST_PROBE_ROWS = 2_000  # the first block, which mostly decides "selective" (issue 9)
_DENSE_SHARE = 0.005  # a first block with this share of matches means "dense"
_DENSE_BLOCKS = 8
_NO_ID_ABOVE = 2**63 - 1
_STRIP = re.compile(r"[^0-9a-z\u3400-\u9fff\uf900-\ufaff]+")
TABLE = "customers_search"
SEARCHED_FIELDS = ("name", "phone", "phone_alt", "company", "address", "id_number")
SPOKEN_FIELDS = ("name", "company")  # also found by their pinyin and its initials


def normalise(text: str | None) -> str:
    """Lower-case letters, digits and Chinese characters only: what search compares."""
    return _STRIP.sub("", (text or "").lower())


def search_text(values: Iterable[str], spoken: Iterable[str] = ()) -> str:
    """The normalised fields joined with a space (stored on the customer), then the pinyin
    forms of the ``spoken`` ones (:func:`kefu.customers.pinyin.spoken_forms`)."""
    parts = [n for n in (normalise(v) for v in values) if n]
    if spoken:
        from kefu.customers.pinyin import spoken_forms

        for value in spoken:
            parts.extend(spoken_forms(normalise(value)))
    return " ".join(parts)


def customer_text(customer) -> str:
    """R-CUS-9: what a customer is found by: the searched fields as written, and the name and
    company also by pinyin and initials ("王小明" is found by "wangxiaoming" and "wxm")."""
    return search_text(
        (getattr(customer, f) for f in SEARCHED_FIELDS),
        (getattr(customer, f) for f in SPOKEN_FIELDS),
    )


def grams(value: str) -> list[str]:
    """The tokens indexed for one normalised field value."""
    if not value:
        return []
    if len(value) < GRAM:
        return [value[i:] for i in range(len(value))]
    out = [value[i : i + GRAM] for i in range(len(value) - GRAM + 1)]
    out.extend(value[-k:] for k in range(GRAM - 1, 0, -1))
    return out


def tokens_for(text: str) -> str:
    return " ".join(t for part in text.split(" ") for t in grams(part))


def fts_query(q: str) -> str | None:
    """The FTS5 MATCH expression for a normalised query, or None when nothing is left."""
    if not q:
        return None
    if len(q) <= GRAM:
        return f'"{q}"*'
    return '"' + " ".join(q[i : i + GRAM] for i in range(len(q) - GRAM + 1)) + '"'


def pg_tsquery(q: str) -> str:
    """The tsquery (literal lexemes, no parsing) for a normalised query on PostgreSQL."""
    if len(q) <= GRAM:
        return f"'{q}':*"
    return " & ".join(f"'{q[i : i + GRAM]}'" for i in range(len(q) - GRAM + 1))


def uses_fts() -> bool:
    return connection.vendor == "sqlite"


def index_customers(rows: Iterable[tuple[int, str]], *, replace: bool = True) -> None:
    """Write (customer id, search_text) rows to the index of either database."""
    rows = list(rows)
    if not rows:
        return
    with connection.cursor() as cursor:
        if uses_fts():
            if replace:
                cursor.executemany(
                    f"DELETE FROM {TABLE} WHERE rowid = %s",  # noqa: S608 - constant name
                    [(pk,) for pk, _t in rows],
                )
            cursor.executemany(
                f"INSERT INTO {TABLE}(rowid, grams) VALUES (%s, %s)",  # noqa: S608
                [(pk, tokens_for(text)) for pk, text in rows],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {TABLE}(id, text) VALUES (%s, %s) "  # noqa: S608
                "ON CONFLICT (id) DO UPDATE SET text = EXCLUDED.text",
                rows,
            )


def unindex_customer(pk: int) -> None:
    column = "rowid" if uses_fts() else "id"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE {column} = %s", [pk])  # noqa: S608


def matching_ids(q: str) -> tuple[str, list] | list[int] | None:
    """The newest matching customer ids: SQL for ``id__in`` (SQLite) or the ids themselves
    (PostgreSQL); None when the query has nothing searchable in it."""
    normalised = normalise(q)
    if not normalised:
        return None
    if uses_fts():
        sql = (
            f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s "  # noqa: S608
            f"ORDER BY rowid DESC LIMIT {SEARCH_LIMIT}"
        )
        return sql, [fts_query(normalised)]
    like = f"%{normalised}%"
    found: list[int] = []
    with connection.cursor() as cursor:
        before = _NO_ID_ABOVE
        for block in range(_DENSE_BLOCKS):
            # One block of the newest rows, read through the id index: bounded work. The
            # first is small: most searches (a phone's last digits, a full name) are
            # selective, and it only has to tell them from the dense ones.
            rows = _FIRST_PROBE_ROWS if block == 0 else _PROBE_ROWS
            cursor.execute(
                "SELECT count(*), min(id), coalesce(array_agg(id ORDER BY id DESC) "  # noqa: S608
                f"FILTER (WHERE text LIKE %s), '{{}}') FROM (SELECT id, text FROM {TABLE} "
                "WHERE id < %s ORDER BY id DESC LIMIT %s) AS block",
                [like, before, rows],
            )
            scanned, lowest, matches = cursor.fetchone()
            found.extend(matches)
            if len(found) >= SEARCH_LIMIT or scanned < rows:
                return found[:SEARCH_LIMIT]  # the limit is reached, or every row was read
            if block == 0 and len(matches) < rows * _DENSE_SHARE:
                break  # selective: the index is the cheaper way
            before = lowest
        # Gather the few matches from the GIN index, then keep the newest. OFFSET 0 keeps
        # the planner from walking the id index to avoid the sort.
        cursor.execute(
            f"SELECT id FROM (SELECT id FROM {TABLE} "  # noqa: S608
            "WHERE kefu_customer_grams(text) @@ %s::tsquery AND text LIKE %s OFFSET 0) "
            f"AS found ORDER BY id DESC LIMIT {SEARCH_LIMIT}",
            [pg_tsquery(normalised), like],
        )
        return [row[0] for row in cursor.fetchall()]
