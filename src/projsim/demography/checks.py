"""Checks of the arguments that the life-table functions share.

Each check raises :class:`~projsim.errors.InputError` naming the argument,
the value received, what was expected and how to fix it, and returns the
argument as the array the kernels of :mod:`projsim.demography.columns` use:
the rates are checked once, before any column is computed.
"""

from __future__ import annotations

import numpy as np

from projsim.errors import InputError, format_index
from projsim.types import INFANT_RULES, SEPARATION_RULES, SEXES


def as_rates(mortality_rate, name: str = "mortality_rate") -> np.ndarray:
    """Return ``mortality_rate`` as a float array after checking its values."""
    rates = np.asarray(mortality_rate, dtype=float)
    where = f"argument '{name}'"
    if rates.ndim == 0:
        raise InputError(
            where,
            "a scalar",
            "an array with age on the last axis",
            "pass one rate per age group",
        )
    not_finite = ~np.isfinite(rates)
    if not_finite.any():
        first = int(np.flatnonzero(not_finite)[0])
        raise InputError(
            where,
            f"{rates.flat[first]} at index {format_index(first, rates.shape)}",
            "finite central death rates [per person-year]",
            "fill the gap with observed or modelled rates before building the table",
        )
    negative = rates < 0
    if negative.any():
        first = int(np.flatnonzero(negative)[0])
        raise InputError(
            where,
            f"{rates.flat[first]} at index {format_index(first, rates.shape)}",
            "central death rates >= 0 [per person-year]",
            "check the deaths and exposures the rates were computed from",
        )
    return rates


def _as_age_widths(age_width, n_groups: int) -> np.ndarray:
    """Return the widths [years] of the ``n_groups`` groups, ``np.inf`` last."""
    widths = np.asarray(age_width, dtype=float)
    where = "argument 'age_width'"
    if widths.ndim == 0:
        widths = np.append(np.full(n_groups - 1, float(widths)), np.inf)
    elif widths.shape != (n_groups,):
        raise InputError(
            where,
            f"{widths.size} widths (shape {widths.shape})",
            f"one width per age group on the last axis of 'mortality_rate', that is {n_groups}",
            "pass one width [years] per age group, ending with np.inf for the open group",
        )
    closed = widths[:-1]
    if not (np.all(np.isfinite(closed)) and np.all(closed > 0) and widths[-1] == np.inf):
        shown = np.array2string(widths, threshold=8, separator=", ")
        raise InputError(
            where,
            shown,
            "positive finite widths [years] for the closed groups and np.inf for the open group",
            "give widths such as 1 or [1, 4, 5, ..., 5, np.inf]",
        )
    return widths


def _as_sex_index(sex, leading_shape: tuple[int, ...]) -> np.ndarray:
    """Return the position of each sex label in ``SEXES`` as an integer array."""
    labels = np.asarray(sex)
    known = np.isin(labels, SEXES)
    if not known.all():
        first = int(np.flatnonzero(~known)[0])
        at = f" at index {format_index(first, labels.shape)}" if labels.ndim else ""
        raise InputError(
            "argument 'sex'",
            f"'{labels.flat[first]}'{at}",
            " or ".join(f"'{label}'" for label in SEXES),
            "label sex with the values of projsim.types.SEXES",
        )
    try:
        fits = np.broadcast_shapes(labels.shape, leading_shape) == leading_shape
    except ValueError:
        fits = False
    if not fits:
        raise InputError(
            "argument 'sex'",
            f"labels of shape {labels.shape}",
            f"one label, or labels that broadcast to the leading shape {leading_shape} of 'mortality_rate'",
            "give one label per row of the rates, with length-1 axes where sex does not vary",
        )
    return (labels[..., None] == np.array(SEXES)).argmax(axis=-1)


def _check_open_rate(rates: np.ndarray) -> None:
    zero = rates[..., -1] == 0
    if zero.any():
        first = int(np.flatnonzero(zero)[0])
        raise InputError(
            "argument 'mortality_rate'",
            f"0.0 in the open age group at leading index {format_index(first, zero.shape)}",
            "a positive rate in the open age group, whose person-years are l/m",
            "pool the oldest ages into a group with deaths, or close the table with kannisto_extend",
        )


def check_rules(separation, infant) -> None:
    """Refuse a separation rule or an infant rule that :mod:`projsim.types` does not declare."""
    for name, value, allowed in (("separation", separation, SEPARATION_RULES),
                                 ("infant", infant, INFANT_RULES)):
        if not (isinstance(value, str) and value in allowed):
            raise InputError(
                f"argument '{name}'",
                repr(value),
                " or ".join(f"'{rule}'" for rule in allowed),
                f"choose one of the rules of projsim.types.{name.upper()}_RULES",
            )


def check_inputs(mortality_rate, sex, age_width):
    """Rates [per person-year], group widths [years] and sex positions, checked."""
    rates = as_rates(mortality_rate)
    widths = _as_age_widths(age_width, rates.shape[-1])
    sex_index = _as_sex_index(sex, rates.shape[:-1])
    _check_open_rate(rates)
    return rates, widths, sex_index
