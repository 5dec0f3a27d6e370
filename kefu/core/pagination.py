"""Lists that stay fast at millions of rows: the total is counted only up to a cap.

Counting every matching row of a busy queue costs more than reading the page; past
COUNT_CAP the list says "more than 10,000" instead, and people narrow the filter.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination

COUNT_CAP = 10_000
# No list has a millionth page; a larger number (or 10**30) is refused with a 400 before
# it reaches the database, where it overflowed the OFFSET (a 500 found by the fuzz test).
MAX_PAGE = 1_000_000


def capped_count(queryset, cap: int | None = None) -> int:
    """How many rows match, counting no further than ``cap + 1``."""
    cap = COUNT_CAP if cap is None else cap
    if isinstance(queryset, QuerySet):
        # No ORDER BY: the count needs no sort, and the LIMIT then stops the scan early.
        return queryset.order_by().values("pk")[: cap + 1].count()
    return min(len(queryset), cap + 1)


class CappedPaginator(Paginator):
    @cached_property
    def _counted(self) -> int:
        return capped_count(self.object_list)

    @cached_property
    def count(self) -> int:
        return min(self._counted, COUNT_CAP)

    @cached_property
    def capped(self) -> bool:
        return self._counted > COUNT_CAP


class PageNumberPagination(NinjaPageNumberPagination):
    """django-ninja page numbers with the page number bounded (issue 10, fuzzed API)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)


class CappedPageNumberPagination(PageNumberPagination):
    """django-ninja page numbers with the total counted up to COUNT_CAP (then it reads
    COUNT_CAP + 1: "more than COUNT_CAP")."""

    def _items_count(self, queryset) -> int:
        return capped_count(queryset)
