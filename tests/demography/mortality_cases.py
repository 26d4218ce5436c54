"""What the tests of the e0 solver share: random schedules and age patterns."""

from __future__ import annotations

import numpy as np

from projsim.types import SEXES

AGES = np.arange(111)
SEX_AXIS = np.array(SEXES)


def random_schedules(rng, shape) -> np.ndarray:
    """Gompertz-Makeham rates with an infant peak and noise, ages 0..110+ [per person-year]."""
    level = rng.uniform(2e-5, 1.5e-4, shape + (1,))
    slope = rng.uniform(0.085, 0.11, shape + (1,))
    makeham = rng.uniform(1e-5, 3e-4, shape + (1,))
    infant = rng.uniform(0.002, 0.03, shape + (1,))
    rates = makeham + level * np.exp(slope * AGES) + infant * np.exp(-2.0 * AGES)
    return np.minimum(rates * rng.lognormal(0.0, 0.1, shape + (111,)), 3.0)


def random_patterns(rng, shape) -> np.ndarray:
    """Positive, noisy age patterns like a Lee-Carter b(x), summing to 1."""
    pattern = np.exp(-((AGES - rng.uniform(0, 70, shape + (1,))) / 60.0) ** 2) * rng.uniform(0.3, 1.0, shape + (111,))
    return pattern / pattern.sum(axis=-1, keepdims=True)
