"""Components of change: natural and migration balances, crude rates and growth.

The migration balance counts international net migrants and every kind of
move between states the result holds (:data:`projsim.types.MOVES`: internal
migration, naturalisation), in minus out. A move conserves the total of the
dimension it does not change, so it cancels when that dimension is pooled:
internal migration in a national figure, naturalisation in a regional one.

On a grid of n-year steps the flows of a result are annual means over the
step (:mod:`projsim.result`), so balances and crude rates are per year, and
growth rates are per year over the step: the balances times n add up to the
change between the two dates.
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np
import xarray as xr

from projsim.analysis.common import Aggregate, inputs, labelled, mid_year, ratio, summed
from projsim.errors import InputError
from projsim.result import age_width
from projsim.types import MOVES

__all__ = [
    "GROWTH_METHODS", "GrowthMethod", "crude_birth_rate", "crude_death_rate",
    "crude_net_migration_rate", "growth_rate", "migration_balance", "natural_balance",
]

#: Growth rate between two 1 January totals P0 and P1 [% per year]:
#: ``"geometric"`` 100 (P1/P0 - 1), ``"exponential"`` 100 ln(P1/P0),
#: ``"crude"`` 100 (P1 - P0) / ((P0 + P1)/2), the growth rate whose
#: denominator is that of the crude rates, so that it equals
#: (CBR - CDR + CNMR) / 10 when the floor of the UN safeguard adds nobody.
GrowthMethod = Literal["geometric", "exponential", "crude"]
GROWTH_METHODS: tuple[str, ...] = get_args(GrowthMethod)


def _components(ds, aggregate, indicator, names):
    return inputs(ds, aggregate, indicator, names, others=("sex",))


def _moves(ds) -> list[tuple[str, str]]:
    """The in and out flows of every kind of move of which the result holds a
    flow (both are then required, so that a missing one is reported)."""
    return [(into, out) for into, out in MOVES.values()
            if isinstance(ds, xr.Dataset) and (into in ds.data_vars or out in ds.data_vars)]


def _migration_names(ds) -> tuple[str, ...]:
    return ("net_migration", *(name for pair in _moves(ds) for name in pair))


def _migrants(ds: xr.Dataset, dims) -> xr.DataArray:
    """International net migrants plus, for each kind of move, in minus out,
    summed over ``dims``."""
    balance = summed(ds["net_migration"], dims)
    for into, out in _moves(ds):
        balance = balance + summed(ds[into], dims) - summed(ds[out], dims)
    return balance


def _moved(ds) -> str:
    """The moves counted, for a long name: ``"internal net"`` ..."""
    return "".join(f" plus {into.removesuffix('_in')} net" for into, _ in _moves(ds))


def natural_balance(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Births minus deaths during the year [persons per year].

    With ``sex`` kept, births of that sex (the child's) minus deaths of that
    sex. The natural and migration balances add up to the change between the
    two 1 January populations, plus the persons the UN safeguard's floor adds
    (``population_floor``, zero with ``safeguard = "reduce"``).

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``births`` and ``deaths``.
    aggregate : str or sequence of str, default ()
        Among the state dimensions and ``"sex"``.

    Returns
    -------
    xarray.DataArray
        [persons per year], NaN at the last date.
    """
    ds, dims = _components(ds, aggregate, "the natural balance", ("births", "deaths"))
    return labelled(summed(ds["births"], dims) - summed(ds["deaths"], ["age", *dims]),
                    "natural balance (births minus deaths)", "persons per year")


def migration_balance(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Net international migration plus net moves between states during the year
    [persons per year].

    .. math:: M = \\sum_x \\Big(N_x + \\sum_k (I^{k,in}_x - I^{k,out}_x)\\Big)

    with :math:`N` the international net migrants applied (``net_migration``,
    after any safeguard) and :math:`I^k` the moves of each kind :math:`k`
    the result holds (``internal_in`` and ``internal_out``, and
    ``naturalisation_in`` and ``naturalisation_out`` by nationality). Moves
    between regions cancel in a national aggregate; naturalisations change a
    person's nationality and not the region, so they cancel whenever
    nationality is pooled.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``net_migration`` and the in and out flows of
        its moves.
    aggregate : str or sequence of str, default ()
        Among the state dimensions and ``"sex"``.

    Returns
    -------
    xarray.DataArray
        [persons per year], NaN at the last date.
    """
    ds, dims = _components(ds, aggregate, "the migration balance", _migration_names(ds))
    return labelled(_migrants(ds, ["age", *dims]),
                    f"migration balance (international net{_moved(ds)})", "persons per year")


def _per_thousand(ds, count, dims, long_name):
    exposure = mid_year(summed(ds["population"], ["age", *dims]))
    return labelled(ratio(count, exposure, 1000), long_name,
                    "per 1,000 mid-year population per year")


def crude_birth_rate(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Births per 1,000 of the mid-year population [per 1,000 per year].

    .. math:: \\mathrm{CBR} = 1000 \\, B / E, \\qquad E = \\sum_x \\tfrac12 (P_{t,x} + P_{t+1,x})

    (Preston, Heuveline and Guillot 2001, ch. 1). With ``sex`` kept, births
    of that sex per 1,000 persons of that sex; pooling the state dimensions
    and ``"sex"`` gives the usual national CBR.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``births`` and ``population``.
    aggregate : str or sequence of str, default ()
        Among the state dimensions and ``"sex"``.

    Returns
    -------
    xarray.DataArray
        [per 1,000 mid-year population per year], NaN at the last date.

    Examples
    --------
    >>> import projsim
    >>> cbr = crude_birth_rate(projsim.project("belgium-2012"), aggregate=('region', 'nationality',
    ...                                                                  'sex'))
    >>> print(f"{float(cbr.sel(time=2012)):.2f}")
    11.77
    """
    ds, dims = _components(ds, aggregate, "the crude birth rate", ("births", "population"))
    return _per_thousand(ds, summed(ds["births"], dims), dims, "crude birth rate")


def crude_death_rate(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Deaths per 1,000 of the mid-year population [per 1,000 per year].

    :math:`\\mathrm{CDR} = 1000\\, D / E`, with the exposure of
    :func:`crude_birth_rate`.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``deaths`` and ``population``.
    aggregate : str or sequence of str, default ()
        Among the state dimensions and ``"sex"``.

    Returns
    -------
    xarray.DataArray
        [per 1,000 mid-year population per year], NaN at the last date.
    """
    ds, dims = _components(ds, aggregate, "the crude death rate", ("deaths", "population"))
    return _per_thousand(ds, summed(ds["deaths"], ["age", *dims]), dims, "crude death rate")


def crude_net_migration_rate(ds: xr.Dataset, *, aggregate: Aggregate = ()) -> xr.DataArray:
    """Migration balance per 1,000 of the mid-year population [per 1,000 per year].

    :math:`\\mathrm{CNMR} = 1000\\, M / E` with :math:`M` the
    :func:`migration_balance` (international and between states) and the
    exposure of :func:`crude_birth_rate`; with these three,
    CBR - CDR + CNMR = 10 x :func:`growth_rate` ``(method="crude")``.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``net_migration``, the in and out flows of its
        moves, and ``population``.
    aggregate : str or sequence of str, default ()
        Among the state dimensions and ``"sex"``.

    Returns
    -------
    xarray.DataArray
        [per 1,000 mid-year population per year], NaN at the last date.
    """
    ds, dims = _components(ds, aggregate, "the crude net migration rate",
                           (*_migration_names(ds), "population"))
    kinds = ["international", *(into.removesuffix("_in") for into, _ in _moves(ds))]
    moved = " and ".join([", ".join(kinds[:-1]), kinds[-1]] if len(kinds) > 1 else kinds)
    return _per_thousand(ds, _migrants(ds, ["age", *dims]), dims,
                         f"crude net migration rate ({moved})")


def growth_rate(ds: xr.Dataset, *, aggregate: Aggregate = (),
                method: GrowthMethod = "geometric") -> xr.DataArray:
    """Growth rate of the population between consecutive 1 January totals [% per year].

    With :math:`P_0` and :math:`P_1` the totals on 1 January of ``time`` and
    ``time + 1`` (see :data:`GrowthMethod`):

    * ``"geometric"``: :math:`100\\,(P_1/P_0 - 1)`;
    * ``"exponential"``: :math:`100 \\ln(P_1/P_0)` (Preston, Heuveline and
      Guillot 2001, ch. 1);
    * ``"crude"``: :math:`100\\,(P_1 - P_0) / \\tfrac12(P_0 + P_1)`, the crude
      growth rate whose denominator approximates the person-years of the
      year, so that it is (CBR - CDR + CNMR) / 10.

    They differ by terms of order :math:`r^2`: 0.001 points at 0.5 % a year.
    Between dates :math:`n` years apart (a five-year grid) each is per year:
    :math:`100\\,((P_1/P_0)^{1/n} - 1)`, :math:`100 \\ln(P_1/P_0) / n` and
    :math:`100\\,(P_1 - P_0) / n / \\tfrac12(P_0 + P_1)`, the last still
    (CBR - CDR + CNMR) / 10 with the annual flows of the step.

    Parameters
    ----------
    ds : xarray.Dataset
        A projsim result with ``population``.
    aggregate : str or sequence of str, default ()
        Among the state dimensions and ``"sex"``.
    method : {"geometric", "exponential", "crude"}, default "geometric"

    Returns
    -------
    xarray.DataArray
        [% per year], labelled by the first date; NaN at the last.
    """
    ds, dims = _components(ds, aggregate, "the growth rate", ("population",))
    if method not in GROWTH_METHODS:
        raise InputError("argument 'method'", repr(method), " or ".join(map(repr, GROWTH_METHODS)),
                         "see projsim.indicators.GrowthMethod")
    start = summed(ds["population"], ["age", *dims])
    end = start.shift(time=-1)
    width = age_width(ds)
    if width != 1:
        return labelled(100 * _growth_per_year(start, end, width, method),
                        f"population growth rate ({method})", "% per year")
    if method == "geometric":
        rate = ratio(end, start) - 1
    elif method == "exponential":
        rate = np.log(ratio(end, start))
    else:
        rate = ratio(end - start, 0.5 * (start + end))
    return labelled(100 * rate, f"population growth rate ({method})", "% per year")


def _growth_per_year(start: xr.DataArray, end: xr.DataArray, width: int,
                     method: str) -> xr.DataArray:
    """The growth rate per year [1] between totals ``width`` years apart."""
    if method == "geometric":
        return ratio(end, start) ** (1 / width) - 1
    if method == "exponential":
        return np.log(ratio(end, start)) / width
    return ratio(end - start, 0.5 * width * (start + end))
