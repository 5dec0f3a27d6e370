"""R-SUP-1: the director's sample is a pure draw: proportion, reproducibility, no entry twice."""

from __future__ import annotations

import math
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kefu.supervision.sampling import draw_sample, sample_size

ids = st.lists(st.integers(min_value=1, max_value=10**9), max_size=400, unique=True)
percents = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=2)
seeds = st.integers(min_value=0, max_value=2**62)


@given(ids, percents, seeds)
def test_r_sup_1_samples_at_least_the_percentage_and_at_least_one(entry_ids, percent, seed):
    sample = draw_sample(entry_ids, percent, seed)
    n = len(entry_ids)
    assert len(sample) == (max(1, math.ceil(percent * n / 100)) if n else 0)
    assert n == 0 or Decimal(len(sample)) * 100 >= percent * n


@given(ids, percents, seeds)
def test_r_sup_1_draws_the_same_sample_from_the_same_seed_in_any_order(entry_ids, percent, seed):
    assert draw_sample(entry_ids, percent, seed) == draw_sample(
        list(reversed(entry_ids)), percent, seed
    )


@given(ids, percents, seeds)
def test_r_sup_1_never_samples_an_entry_twice_nor_one_outside_the_month(entry_ids, percent, seed):
    sample = draw_sample(entry_ids, percent, seed)
    assert len(set(sample)) == len(sample)
    assert set(sample) <= set(entry_ids)
    assert sample == sorted(sample)


def test_r_sup_1_takes_twenty_percent_rounded_up():
    assert sample_size(100, 20) == 20
    assert sample_size(11, 20) == 3
    assert sample_size(1, 20) == 1
    assert sample_size(0, 20) == 0


def test_r_sup_1_different_seeds_draw_different_samples():
    population = list(range(1, 201))
    assert draw_sample(population, 20, 1) != draw_sample(population, 20, 2)
