"""What every indicator shares: checking a result, what to pool, sums and labels.

The indicators of :mod:`projsim.analysis.indicators` take a result Dataset
and an ``aggregate`` argument naming the dimensions to pool. The dimensions
a result can pool are read from the result itself: its state dimensions
(:class:`~projsim.model.states.StateSpace`, ``region`` or ``region`` and
``nationality``) plus the dimensions an indicator's definition allows
(``sex``, ``age``). Nothing here names a state dimension.

The helpers work on numpy arrays where speed matters and attach labels at
the end; :func:`compiled_loops` is the one switch between numba's loops and
their numpy twins.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

import numpy as np
import xarray as xr

from projsim.engine import compiled
from projsim.errors import InputError
from projsim.model.states import StateSpace
from projsim.result import age_width, stock_date
from projsim.types import MORTALITY_AGE, VARIABLES

#: Dimensions to pool: one name or several.
Aggregate = str | Sequence[str]

#: Rows handed at once to the kernels that work block by block (whole life
#: tables, median age), in cells: the temporaries of a block stay in the
#: processor's cache, which makes 1,000 draws several times faster than one
#: call on the whole array.
BLOCK_CELLS = 2**18


#: Cells of work from which an indicator runs numba's loops in a process that has
#: not loaded them yet: importing numba and loading them costs a process about a
#: second (compiling them, on a cold cache, tens of seconds), which the loops win
#: back only on large results, such as every draw of an ensemble; a projection's
#: few hundred thousand cells take milliseconds with the numpy twins
#: (``benchmarks/README.md``, "Cold start").
COMPILED_FROM_CELLS = 2**24


def compiled_pays(cells: int) -> bool:
    """Whether numba's loops should run on ``cells`` cells of work: numba is
    installed and the work is large (:data:`COMPILED_FROM_CELLS`). Whether they
    are loaded already does not count, so that a result is the same to the last
    bit whatever the process computed before."""
    return compiled.available() and cells >= COMPILED_FROM_CELLS


def compiled_loops(cells: int) -> ModuleType | None:
    """:mod:`projsim.engine.compiled.indicators` when numba is installed
    (``projsim[fast]``) and pays on ``cells`` cells of work (:func:`compiled_pays`),
    else None: the numpy kernels compute the same numbers, more slowly. The
    kernels call it as ``common.compiled_loops(cells)``, so that a test can switch
    every indicator to its numpy twins at once."""
    return compiled.load("indicators") if compiled_pays(cells) else None


# --- checks -------------------------------------------------------------------


def inputs(ds, aggregate: Aggregate, indicator: str, names: tuple[str, ...], *,
           others: tuple[str, ...] = (), to_pool: tuple[str, ...] = (),
           consumed: tuple[str, ...] = ()) -> tuple[xr.Dataset, list[str]]:
    """Check a result and the dimensions ``indicator`` is asked to pool.

    Parameters
    ----------
    ds : object
        What the caller passed as the result.
    aggregate : str or sequence of str
        The dimensions to pool, among the result's state dimensions and
        ``others``.
    indicator : str
        The indicator's name, for the messages (``"the total fertility rate"``).
    names : tuple of str
        The variables the indicator needs.
    others : tuple of str
        The dimensions other than the state dimensions it can pool.
    to_pool : tuple of str
        The variables it needs besides ``names`` when it pools anything
        (the exposures of pooled rates).
    consumed : tuple of str
        State dimensions its definition sums over, which it cannot pool.

    Returns
    -------
    ds : xarray.Dataset
        The result, checked.
    dims : list of str
        The dimensions to pool, each once.
    """
    requested = tuple(aggregate) if isinstance(aggregate, (list, tuple)) else (aggregate,)
    needed = names + (to_pool if requested else ())
    _is_dataset(ds, needed, indicator)
    states = tuple(dim for dim in StateSpace.from_dataset(ds).dims if dim not in consumed)
    dims = _aggregated(requested, states, others, indicator)
    return checked(ds, needed, indicator), dims


def _listed(names: tuple[str, ...]) -> str:
    quoted = [f"'{name}'" for name in names]
    return " and ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)


def _is_dataset(ds, names: tuple[str, ...], indicator: str) -> None:
    if not isinstance(ds, xr.Dataset):
        raise InputError("argument 'ds'", f"an object of type {type(ds).__name__}",
                         f"an xarray.Dataset with {_listed(names)} for {indicator}",
                         "pass the Dataset returned by projsim.project")


def checked(ds, names: tuple[str, ...], indicator: str) -> xr.Dataset:
    """``ds`` after checking it is a projsim result with the variables ``names``,
    each with its dimensions (:data:`projsim.types.VARIABLES`; death rates by
    abridged group on :data:`projsim.types.MORTALITY_AGE`), age groups of its
    width (single years unless it says otherwise, :func:`projsim.result.age_width`)
    and dates one step apart."""
    _is_dataset(ds, names, indicator)
    states = StateSpace.from_dataset(ds)
    width = age_width(ds)
    for name in names:
        if name not in ds.data_vars:
            raise InputError(
                "argument 'ds'", f"a Dataset without the variable '{name}'",
                f"a projsim result with {_listed(names)} for {indicator}",
                "pass the Dataset returned by projsim.project, or one read back from its "
                "netCDF file")
        expected = ("time",) + states.expand(VARIABLES[name].dims)
        if name == "mortality_rate" and MORTALITY_AGE in ds[name].dims:
            expected = tuple(MORTALITY_AGE if dim == "age" else dim for dim in expected)
        if not set(expected) <= set(ds[name].dims):
            raise InputError(
                f"variable '{name}'", f"dimensions {ds[name].dims}",
                f"the dimensions {expected}, in any order, plus any batch dimension such as "
                "'scenario' or 'draw'",
                "keep a dimension of length 1 when selecting, for example "
                "ds.sel(region=['Flemish Region'])")
    ages, times = ds["age"].values, ds["time"].values
    if not np.array_equal(ages, width * np.arange(ages.size)):
        groups = "single years of age 0, 1, ..., omega" if width == 1 else \
            f"groups of {width} years labelled 0, {width}, {2 * width}, ..., omega"
        raise InputError(
            "coordinate 'age'", np.array2string(ages, threshold=6, separator=", "),
            f"{groups}, the last one open",
            "compute indicators on the result's own age groups")
    date = stock_date(ds)
    if times.size > 1 and not np.all(np.diff(times) == width):
        dates = "consecutive years" if width == 1 else f"dates {width} years apart"
        raise InputError(
            "coordinate 'time'", np.array2string(times, threshold=6, separator=", "),
            f"{dates}: flows run from {date} of time to {date} of time + {width}",
            "select a contiguous range of years, for example ds.sel(time=slice(2020, 2040))")
    return ds


def _aggregated(requested: tuple, states: tuple[str, ...], others: tuple[str, ...],
                indicator: str) -> list[str]:
    """The dimensions ``requested``, after checking ``indicator`` can pool them."""
    allowed = states + others
    national = states[0] if len(states) == 1 else states
    for name in requested:
        if name not in allowed:
            raise InputError(
                "argument 'aggregate'", repr(name),
                f"dimensions to aggregate among {', '.join(map(repr, allowed))} for {indicator}",
                f"aggregate={national!r} gives national figures; every other dimension (time, "
                "scenario, draw) is kept")
    return list(dict.fromkeys(requested))


def checked_age(age, ds: xr.Dataset, name: str, ages=None) -> int:
    """``age`` after checking it is an age of the result [years]: on wider age
    groups, the first age of one of them (of ``ages``, by default the result's)."""
    ages = ds["age"].values if ages is None else np.asarray(ages)
    open_age, width = int(ages[-1]), age_width(ds)
    if not (isinstance(age, (int, np.integer)) and 0 <= age <= open_age):
        raise InputError(
            f"argument '{name}'", repr(age),
            f"an integer age from 0 to {open_age}, the open age of the result [years]",
            "choose an age the result covers, or project with a higher open_age")
    if width != 1 and age not in ages:
        raise InputError(
            f"argument '{name}'", repr(age),
            f"the first age of one of the result's groups {_groups(ages)} [years]",
            f"choose an age on the grid of {width} years, such as {_nearest(ages, age)}")
    return int(age)


def _groups(ages: np.ndarray) -> str:
    shown = [str(a) for a in ages[:4]] + ["..."] + [f"{ages[-1]}+"]
    return "(" + ", ".join(shown) + ")"


def _nearest(ages: np.ndarray, age: int) -> str:
    """The two first ages of groups around ``age``, for a message."""
    above = int(np.searchsorted(ages, age))
    return " or ".join(str(int(a)) for a in ages[max(above - 1, 0): above + 1])


# --- arithmetic and labels ----------------------------------------------------


def labelled(data: xr.DataArray, long_name: str, units: str) -> xr.DataArray:
    """A new DataArray (never a variable of the Dataset) with these attributes only."""
    result = data.copy(deep=False).rename(None)
    result.attrs = {"long_name": long_name, "units": units}
    return result


def divide(numerator: np.ndarray, denominator: np.ndarray, scale: float) -> np.ndarray:
    """scale x numerator / denominator, NaN where the denominator is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        quotient = np.divide(numerator, denominator)
    zero = denominator == 0
    if zero.any():
        quotient[np.broadcast_to(zero, quotient.shape)] = np.nan
    if scale != 1:
        quotient *= scale
    return quotient


def ratio(numerator: xr.DataArray, denominator: xr.DataArray, scale: float = 1) -> xr.DataArray:
    """scale x numerator / denominator, NaN (and no warning) where the denominator is 0."""
    return xr.apply_ufunc(divide, numerator, denominator, kwargs={"scale": scale})


def summed(data: xr.DataArray, dims) -> xr.DataArray:
    """Sum over ``dims`` that propagates NaN: a missing year stays missing, it does
    not become 0. numpy.einsum adds at the speed of memory, where a reduction
    over the short trailing age axis is several times slower."""
    dims = list(dims)
    if not dims:
        return data
    pooled = [data.get_axis_num(dim) for dim in dims]
    kept = [axis for axis in range(data.ndim) if axis not in pooled]
    total = data.isel({dim: 0 for dim in dims}, drop=True)
    total = total.copy(data=np.einsum(data.values, list(range(data.ndim)), kept))
    total.attrs = {}
    return total


def mid_year(population: xr.DataArray) -> xr.DataArray:
    """(P(t) + P(t+1)) / 2 labelled t, NaN at the last date, in one pass."""
    values = np.moveaxis(population.values, population.get_axis_num("time"), 0)
    mean = np.empty_like(values)
    np.add(values[:-1], values[1:], out=mean[:-1])
    mean[:-1] *= 0.5
    mean[-1] = np.nan
    return population.copy(data=np.moveaxis(mean, 0, population.get_axis_num("time")))


# --- kernels' helpers ---------------------------------------------------------


def broadcast(*arrays: np.ndarray) -> list[np.ndarray]:
    """``arrays`` with a common shape (a batch dimension that one of them lacks
    has length 1 in it), as read-only views where one has to be broadcast."""
    shape = np.broadcast_shapes(*(array.shape for array in arrays))
    return [array if array.shape == shape else np.broadcast_to(array, shape)
            for array in arrays]


def merged(array: np.ndarray, n_pooled: int, trailing: int) -> np.ndarray:
    """``array`` with the ``n_pooled`` axes before its last ``trailing`` ones merged
    into one, so that a kernel pools one axis whatever the number of state
    dimensions pooled (regions, or regions and nationalities)."""
    if n_pooled == 1:
        return array
    cut = array.ndim - trailing
    return array.reshape(array.shape[:cut - n_pooled] + (-1,) + array.shape[cut:])
