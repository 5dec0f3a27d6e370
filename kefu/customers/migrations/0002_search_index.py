"""R-CUS-9 search index: FTS5 on SQLite, a gram GIN index on PostgreSQL.

RunPython with a vendor check, like audit 0003, so one migration serves both
databases; it imports no app code. See kefu/customers/search.py for the scheme.
"""

from django.db import migrations

SQLITE_UP = [
    # Tokens are written by the application (3-character grams); unicode61 only splits on
    # spaces. prefix='1 2' serves one- and two-character queries from the index.
    """CREATE VIRTUAL TABLE customers_search USING fts5(
        grams, tokenize='unicode61 remove_diacritics 0', prefix='1 2', columnsize=0
    )""",
]
SQLITE_DOWN = ["DROP TABLE IF EXISTS customers_search"]
POSTGRES_UP = [
    # The same 3-character grams (plus each word's last two suffixes) as literal lexemes.
    """CREATE OR REPLACE FUNCTION kefu_customer_grams(t text) RETURNS tsvector
       LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
         SELECT coalesce(array_to_tsvector(array_agg(DISTINCT g)), ''::tsvector)
         FROM (SELECT substr(w, i, 3) AS g
               FROM unnest(string_to_array(coalesce(t, ''), ' ')) AS w,
                    generate_series(1, char_length(w)) AS i) AS grams
         WHERE g <> ''
       $$""",
    # A narrow table (id, normalised text): a scan of it reads a fraction of the pages
    # the customer table would; the GIN index is on the grams of its text.
    """CREATE TABLE customers_search (id bigint PRIMARY KEY, text text NOT NULL)""",
    """CREATE INDEX customers_search_grams ON customers_search
       USING gin (kefu_customer_grams(text))""",
]
POSTGRES_DOWN = [
    "DROP TABLE IF EXISTS customers_search",
    "DROP FUNCTION IF EXISTS kefu_customer_grams(text)",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
