"""R-CUS-9: customers already recorded are found by the pinyin of their name and company too.

Recomputes every customer's search text (kefu.customers.search.customer_text) and its
entry in the search index, in batches, so the index and the stored text stay equal.
"""

from django.db import migrations

BATCH = 2000


def _rewrite(apps, schema_editor, *, spoken: bool) -> None:
    from kefu.customers import search

    customer_model = apps.get_model("customers", "Customer")
    last = 0
    while True:
        batch = list(customer_model.objects.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        rows = []
        for customer in batch:
            if spoken:
                text = search.customer_text(customer)
            else:
                text = search.search_text(getattr(customer, f) for f in search.SEARCHED_FIELDS)
            if text != customer.search_text:
                customer.search_text = text
                rows.append(customer)
        customer_model.objects.bulk_update(rows, ["search_text"])
        # A merged customer was taken out of the index and stays out (R-CUS-9).
        search.index_customers([(c.pk, c.search_text) for c in rows if c.merged_into_id is None])
        last = batch[-1].pk


def forwards(apps, schema_editor):
    _rewrite(apps, schema_editor, spoken=True)


def backwards(apps, schema_editor):
    _rewrite(apps, schema_editor, spoken=False)


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_quality_lists")]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
