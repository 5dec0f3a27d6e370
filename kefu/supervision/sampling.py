"""The director's monthly sample of duty-log entries (R-SUP-1): a pure, reproducible draw.

No Django here, so the draw is fast to test (with hypothesis) and the same on every
machine: ``random.Random(seed)`` is specified to give the same sequence for the same
seed, and the candidates are sorted first so their order in the database does not matter.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction


def sample_size(population: int, percent: Decimal | int | str) -> int:
    """How many entries a sample of ``percent`` % of ``population`` holds.

    Rounded up (the seed asks for "not less than 20%"), at least one entry when
    there is any, never more than the population.
    """
    if population <= 0:
        return 0
    share = Fraction(str(percent)) / 100
    if share <= 0:
        raise ValueError("the sample percentage must be above zero")
    return max(1, min(population, math.ceil(share * population)))


def draw_sample(entry_ids: Iterable[int], percent: Decimal | int | str, seed: int) -> list[int]:
    """R-SUP-1: the sampled entry ids, sorted; the same for the same ids, percent and seed."""
    candidates = sorted(set(entry_ids))
    size = sample_size(len(candidates), percent)
    return sorted(random.Random(seed).sample(candidates, size))  # noqa: S311 - an audit draw, not a secret


def new_seed() -> int:
    """A fresh seed for a new draw; stored with the sample so the draw can be repeated."""
    return random.SystemRandom().randrange(1, 2**62)
