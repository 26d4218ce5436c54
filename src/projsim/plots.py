"""Figures of a projection result: pyramids, totals, components, rates, fans.

Every function takes a result of :func:`projsim.project` (or one read back
with :func:`projsim.io.read_netcdf`), draws on ``ax`` (a new figure when
``ax`` is None) and returns what it drew on: the Axes, or an array of Axes
for a faceted figure. The artists keep the data, in the units written on the
axis, so that a figure can be checked without looking at pixels. matplotlib
is imported inside the functions only; :func:`render` draws on a
:class:`matplotlib.figure.Figure` outside pyplot, for files and reports.

The same figures hang off the Dataset accessor ``projsim_plot`` once this
module is imported::

    import projsim.plots
    ds.projsim_plot.pyramid(2060, compare_year=2012)

Conventions
-----------
* Counts are shown in thousands of persons; flows in thousands of persons
  per year, in the year from 1 January ``time`` to 1 January ``time + 1``.
  A result by five-year group and step is drawn on its own grid: the bars
  of a pyramid are five years high, stocks are dated by the base's day
  (1 July for WPP's), and flows are the annual means of each step, drawn
  at its first year (:mod:`projsim.result`).
* Without ``region``, figures show the sum of all regions, named after the
  result's base (:func:`area_name`: "Belgium"), and without ``nationality``
  the sum of all nationalities: counts are summed
  over every state dimension of the result that is not chosen, and rates are
  pooled over them with the exposures as weights, as
  :mod:`projsim.indicators` computes them when ``aggregate`` names those
  dimensions.
* With a ``scenario`` dimension, line figures draw every scenario and the
  other figures the first one, the scenario itself, unless told otherwise.
* With a ``draw`` dimension (stochastic draws), figures other than
  :func:`fan` show the median over the draws, and say so in the title. The
  summaries of draws (a result of ``project_draws`` without ``keep="draws"``)
  draw the fan chart and the totals from their stored quantiles and the
  pyramid from the mean population of each cell (:data:`SUMMARY_KINDS`).
* Lines of a rate figure that coincide (several scenarios with one TFR) are
  told apart by their style and markers, and labelled "overlaps" the first
  of them when they stay within 1 % of the y-axis (:data:`OVERLAP`).
* :func:`render` writes under each figure the sources of the result's base
  and the method (:func:`credit_text`), and under a households figure the
  sources of the household model too (:func:`household_credit`: Statbel's
  census 2011, and the FPB household series where the trend uses it).
* Colours come from the colour-blind-safe palette of Okabe and Ito (2008).

References
----------
.. [1] Okabe, M. and Ito, K. (2008). *Color Universal Design (CUD): how to
   make figures and presentations that are friendly to colorblind people*.
   https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, get_args

import numpy as np
import xarray as xr

from projsim.analysis import indicators
from projsim.errors import InputError
from projsim.model.states import state_dims
from projsim.result import age_width, stock_date
from projsim.types import MOVES, NATIONALITY, REGION, SEXES, STOCK_DATES

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: The figures :func:`render` and ``projsim plot --kind`` know.
PlotKind = Literal["pyramid", "totals", "components", "tfr", "e0", "dependency", "fan",
                   "households"]
PLOT_KINDS: tuple[str, ...] = get_args(PlotKind)

#: The Okabe-Ito palette, by name.
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9",
    "bluish_green": "#009E73", "yellow": "#F0E442", "blue": "#0072B2",
    "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
}
#: Line colours of successive scenarios (yellow last: it is faint on white).
PALETTE = tuple(OKABE_ITO[name] for name in (
    "black", "orange", "sky_blue", "bluish_green", "blue", "vermillion", "reddish_purple",
    "yellow"))
SEX_COLOURS = {"female": OKABE_ITO["vermillion"], "male": OKABE_ITO["blue"]}
SEX_LINESTYLES = {"female": "-", "male": "--"}
COMPONENT_COLOURS = {
    "births": OKABE_ITO["bluish_green"], "deaths": OKABE_ITO["vermillion"],
    "net_migration": OKABE_ITO["blue"], "internal_net": OKABE_ITO["sky_blue"],
    "naturalisation_net": OKABE_ITO["orange"], "population_floor": OKABE_ITO["reddish_purple"],
}
COMPONENT_LABELS = {
    "births": "births", "deaths": "deaths", "net_migration": "international net migration",
    "internal_net": "internal net migration", "naturalisation_net": "net naturalisations",
    "population_floor": "persons added by the population floor",
}
ALL_REGIONS = "all regions"
#: The figures a summary of stochastic draws can give (:func:`is_draws_summary`).
SUMMARY_KINDS: tuple[str, ...] = ("fan", "totals", "pyramid", "households")
#: Colours and words of the household types (:data:`projsim.types.HOUSEHOLD_TYPES`).
HOUSEHOLD_COLOURS = {
    "one_person": OKABE_ITO["vermillion"], "couple_without_children": OKABE_ITO["orange"],
    "couple_with_children": OKABE_ITO["blue"], "lone_parent": OKABE_ITO["bluish_green"],
    "other": OKABE_ITO["reddish_purple"],
}
HOUSEHOLD_LABELS = {kind: kind.replace("_", " ") for kind in HOUSEHOLD_COLOURS}
#: What a households figure says of the method that moved the census shares.
HOUSEHOLD_METHOD_WORDS = {"constant": "census shares held constant",
                          "trend": "census shares moved along the model's trend"}
#: Opacity of the stacked layers of a pyramid (``stack``), from the axis outwards:
#: the first label darkest, the last lightest.
STACK_ALPHAS = (0.9, 0.4, 0.2, 0.1)
#: Line styles and markers that tell apart the scenarios of a rate figure.
LINESTYLES = ("-", "--", "-.", ":")
MARKERS = ("", "o", "s", "^", "D", "v", "P", "X")
#: Organisations credited under a figure when the sources of the result's base
#: or its scenario's description name them (by any of the names given).
CREDITED = {"Statbel": ("Statbel",), "HMD": ("Human Mortality Database", "HMD"),
            "HFC": ("Human Fertility Collection", "HFC"),
            "FPB": ("Federal Planning Bureau", "FPB"),
            "UN WPP": ("World Population Prospects", "WPP")}
#: Default pairs of quantiles of the fan chart: the 80% and 50% intervals.
FAN_QUANTILES = ((0.1, 0.9), (0.25, 0.75))
THOUSAND = 1e3
#: Least height of the y-axis of the TFR [children per woman] and e0 [years]
#: figures: a constant assumption then looks flat.
TFR_SPAN, E0_SPAN = 0.4, 4.0

_LEGEND_OUTSIDE = {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), "borderaxespad": 0.0,
                   "frameon": False}
_SIZES = {"pyramid": (7.5, 6.0), "facet": (4.2, 6.0), "line": (8.5, 4.5)}


# --- names -------------------------------------------------------------------

def area_name(dataset: xr.Dataset) -> str:
    """The name of the whole area of a result, for titles: the base's name
    without its year and what follows it (``"belgium-2012"`` and
    ``"belgium-2012-regions"`` give ``"Belgium"``), else the base's name as it
    is, else "all regions".

    Examples
    --------
    >>> area_name(xr.Dataset(attrs={"base": "belgium-2012"}))
    'Belgium'
    >>> area_name(xr.Dataset(attrs={"base": "belgium-2012-regions"}))
    'Belgium'
    >>> area_name(xr.Dataset(attrs={"base": "wpp2024-belgium"}))
    'Belgium'
    >>> area_name(xr.Dataset())
    'all regions'
    """
    base = str(dataset.attrs.get("base", "")).strip()
    if not base:
        return ALL_REGIONS
    match = (re.fullmatch(r"(.+?)[-_ ](\d{4})(?:[-_ ].*)?", base)
             or re.fullmatch(r"[a-z]+\d{4}[-_ ](.+)", base))
    return match.group(1).replace("-", " ").replace("_", " ").title() if match else base


# --- selection --------------------------------------------------------------

def _shown(labels: Sequence) -> str:
    labels = [label.item() if isinstance(label, np.generic) else label for label in labels]
    shown = labels if len(labels) <= 6 else [*labels[:3], "...", *labels[-2:]]
    return "[" + ", ".join("..." if x == "..." else repr(x) for x in shown) + "]"


def check_label(dataset: xr.Dataset, dim: str, label, where: str) -> None:
    """Raise an :class:`InputError` unless ``label`` is on the ``dim`` axis.

    Parameters
    ----------
    dataset : xarray.Dataset
        A result.
    dim : str
        ``"time"``, ``"scenario"`` or a state dimension.
    label : object
        The label asked for.
    where : str
        The origin of the label, for the message (``"argument 'year'"``).

    Raises
    ------
    InputError
        If the label is not one of the axis's labels.
    """
    if dim == "scenario" and dim not in dataset.dims:
        name = dataset.attrs.get("scenario", "")
        if label != name:
            raise InputError(where, repr(label), f"{name!r}, the only scenario of this result",
                             "leave the scenario out or name that scenario")
        return
    if dim not in dataset.dims:
        raise InputError(where, repr(label), f"a result with a '{dim}' dimension",
                         f"leave the {dim} out: this result has none")
    labels = dataset[dim].values.tolist()
    if label not in labels:
        if dim == "time":
            expected = f"a year of the result, {labels[0]} to {labels[-1]}"
            fix = "choose a year in that range"
        else:
            expected = f"one of {_shown(labels)}"
            fix = f"use a {dim} label of the result"
        raise InputError(where, repr(label), expected, fix)


def _scenario_names(dataset: xr.Dataset) -> list[str]:
    if "scenario" in dataset.dims:
        return [str(s) for s in dataset.scenario.values]
    return [str(dataset.attrs.get("scenario", "projection"))]


def _one_scenario(dataset: xr.Dataset, scenario: str | None,
                  where: str = "argument 'scenario'") -> tuple[xr.Dataset, str]:
    """The dataset of one scenario (the first by default) and its name."""
    if scenario is not None:
        check_label(dataset, "scenario", scenario, where)
    name = scenario if scenario is not None else _scenario_names(dataset)[0]
    if "scenario" in dataset.dims:
        dataset = dataset.sel(scenario=name, drop=True)
    return dataset, name


def _scenarios(dataset: xr.Dataset,
               scenarios: Sequence[str] | None) -> list[tuple[str, xr.Dataset]]:
    if isinstance(scenarios, str):
        scenarios = [scenarios]
    names = _scenario_names(dataset) if scenarios is None else list(scenarios)
    return [(name, _one_scenario(dataset, name, "argument 'scenarios'")[0]) for name in names]


def _where(dataset: xr.Dataset, region: str | None,
           nationality: str | None = None) -> tuple[dict[str, str], str]:
    """The state labels chosen, after checking them, and the words of a title:
    the region or the whole area (:func:`area_name`), then the nationality if
    one is chosen."""
    chosen = {dim: label for dim, label in ((REGION, region), (NATIONALITY, nationality))
              if label is not None}
    for dim, label in chosen.items():
        check_label(dataset, dim, label, f"argument '{dim}'")
    where = area_name(dataset) if region is None else region
    return chosen, where if nationality is None else f"{where}, {nationality}"


def _pooled(array: xr.DataArray, chosen: Mapping[str, str],
            keep: Sequence[str] = ()) -> xr.DataArray:
    """The array of the chosen state labels, summed over every other state but ``keep``."""
    if chosen:
        array = array.sel(chosen, drop=True)
    return array.sum([dim for dim in state_dims(array) if dim not in keep])


def _moves_shown(flows: xr.Dataset, chosen: Mapping[str, str]) -> dict[str, xr.DataArray]:
    """The net (in minus out, by state) of each kind of move the result holds,
    summed over sex and age, unless it cancels at the chosen labels although
    people move (naturalisations within a region, internal migration of one
    nationality)."""
    shown = {}
    for into, out in MOVES.values():
        if into in flows and out in flows:
            net = (flows[into] - flows[out]).sum(["sex", "age"])
            moved = float(np.abs(_pooled(flows[into], chosen)).max())
            if moved == 0 or float(np.abs(_pooled(net, chosen)).max()) > 1e-9 * moved:
                shown[f"{into.removesuffix('_in')}_net"] = net
    return shown


def _median_draw(array: xr.DataArray) -> xr.DataArray:
    return array.median("draw") if "draw" in array.dims else array


def _draw_note(dataset: xr.Dataset, summary: str = "median") -> str:
    """The words a title adds for stochastic draws: the median of the draws, or
    for the summaries of draws the ``summary`` statistic stored."""
    if "draw" in dataset.dims:
        return f" (median of {dataset.sizes['draw']:,} draws)"
    if is_draws_summary(dataset):
        return f" ({summary} of {_draws_of(dataset):,} draws)"
    return ""


def _cell_population(data: xr.Dataset) -> xr.DataArray:
    """The population of each cell: the median of the draws, the mean of the
    summaries of draws, or the projection's."""
    if is_draws_summary(data):
        return data.population_mean
    return _median_draw(data.population)


def last_year(dataset: xr.Dataset) -> int:
    """The last 1 January with a population in the result (by default the
    horizon: a result holds the population of every 1 January it projects,
    the horizon included, while its flows end the year before).

    Examples
    --------
    >>> import projsim
    >>> last_year(projsim.project("belgium-2012"))
    2061
    """
    population = _cell_population(dataset)
    reduced = [dim for dim in population.dims if dim != "time"]
    has = np.isfinite(population).any(reduced).values
    return int(dataset.time.values[np.flatnonzero(has)[-1]]) if has.any() \
        else int(dataset.time[-1])


def is_draws_summary(dataset: xr.Dataset) -> bool:
    """Whether a result holds the summaries of stochastic draws without the draws
    (``national_quantile`` and ``population_mean``, no ``population``)."""
    return "national_quantile" in dataset and "population_mean" in dataset \
        and "population" not in dataset


def _draws_of(dataset: xr.Dataset) -> int:
    return int(dataset.attrs.get("draws", 0))


def _stored_quantile(dataset: xr.Dataset, chosen: Mapping[str, str], quantile: float,
                     where: str = "argument 'quantiles'") -> xr.DataArray:
    """The stored quantile of the total population (time) of a summary of draws:
    national, or of one state when every state dimension is chosen."""
    stored = [float(q) for q in dataset["quantile"].values]
    if not any(np.isclose(quantile, q) for q in stored):
        raise InputError(where, f"the quantile {quantile:g}",
                         f"one of the quantiles the summaries store, {stored}",
                         "choose stored quantiles, or keep the draws (--keep draws)")
    at = {"quantile": stored[int(np.argmin(np.abs(np.array(stored) - quantile)))],
          "age_group": "all"}
    if not chosen:
        return dataset.national_quantile.sel(at, drop=True)
    dims = state_dims(dataset)
    if set(chosen) != set(dims):
        missing = [dim for dim in dims if dim not in chosen]
        raise InputError(f"argument '{missing[0]}'", "None with the summaries of draws",
                         f"a {missing[0]} too, or none of {list(dims)}: the summaries store "
                         "the quantiles of each state and of the whole area only",
                         f"choose a {missing[0]}, or drop the other labels")
    return dataset.population_quantile.sel({**at, **chosen}, drop=True)


def credit_text(dataset: xr.Dataset) -> str:
    """The sources and the method of a result, in one line for under a figure.

    The organisations of :data:`CREDITED` that the sources of the result's
    base (:func:`projsim.io.bases.base_sources`) or its scenario's
    description name, the scenario, and the method.

    Examples
    --------
    >>> credit_text(xr.Dataset(attrs={"base": "belgium-1988", "scenario": "x",
    ...                               "projsim_version": "0.1.0"}))
    'Sources: HMD, HFC (base belgium-1988); scenario x. Method: projsim 0.1.0, cohort-component projection (UN Population Division CCMPP).'
    """
    from projsim.io.bases import base_sources

    attrs = dataset.attrs
    base = str(attrs.get("base", ""))
    text = " ".join([*base_sources(base).values(), str(attrs.get("scenario_description", ""))])
    credited = [short for short, names in CREDITED.items() if any(n in text for n in names)]
    parts = []
    if credited or base:
        parts.append(f"Sources: {', '.join(credited) or 'see the base'}"
                     + (f" (base {base})" if base else ""))
    if attrs.get("scenario"):
        parts.append(f"scenario {attrs['scenario']}")
    version = attrs.get("projsim_version", "")
    return "; ".join(parts) + (". " if parts else "") + (
        f"Method: projsim {version}".rstrip() + ", cohort-component projection "
        "(UN Population Division CCMPP).")


def _flow_years(dataset: xr.Dataset) -> xr.Dataset:
    """The years with flows: every date but the horizon."""
    return dataset.isel(time=slice(None, -1))


# --- indicators -------------------------------------------------------------

def _of(indicator: xr.DataArray, chosen: Mapping[str, str]) -> xr.DataArray:
    """An indicator of :mod:`projsim.indicators` at the chosen state labels."""
    return indicator.sel(chosen, drop=True) if chosen else indicator


def _aggregate(data: xr.Dataset, chosen: Mapping[str, str], *others: str) -> tuple[str, ...]:
    """The dimensions :mod:`projsim.indicators` pools: the state dimensions
    without a chosen label, and ``others``."""
    return (*(dim for dim in state_dims(data) if dim not in chosen), *others)


def _fertility(data: xr.Dataset, chosen: Mapping[str, str]) -> xr.DataArray:
    """TFR in the years with flows (the last date has no rates)."""
    tfr = indicators.tfr(data, aggregate=_aggregate(data, chosen))
    return _of(tfr, chosen).isel(time=slice(None, -1))


def _life_expectancy(data: xr.Dataset, chosen: Mapping[str, str]) -> xr.DataArray:
    """e0 by sex in the years with flows (the last date has no rates)."""
    e0 = indicators.life_expectancy(data, aggregate=_aggregate(data, chosen))
    return _of(e0, chosen).isel(time=slice(None, -1))


# --- drawing helpers ---------------------------------------------------------

def _axes(ax: Axes | None, size: str = "line") -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=_SIZES[size], layout="constrained")[1]


def _thousands_axis(axis, absolute: bool = False) -> None:
    from matplotlib.ticker import FuncFormatter

    if absolute:
        axis.set_major_formatter(FuncFormatter(lambda x, _: f"{abs(x):,.0f}"))
    else:
        axis.set_major_formatter(
            FuncFormatter(lambda x, _: f"{x:,.0f}".replace("-", "\N{MINUS SIGN}")))


def _years_axis(ax: Axes) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    ax.set_xlabel("year")


def _legend(ax: Axes) -> None:
    """A legend right of the data: bars and bands first, then lines, in drawing order."""
    handles = [*ax.containers, *ax.collections, *ax.patches, *ax.lines]
    shown = [h for h in dict.fromkeys(handles) if not str(h.get_label()).startswith("_")]
    ax.legend(shown, [h.get_label() for h in shown], **_LEGEND_OUTSIDE)


def _minimum_span(ax: Axes, span: float) -> None:
    """Widen the y-axis to at least ``span`` around the data, so that small
    differences are not blown up into slopes."""
    low, high = ax.get_ylim()
    if high - low < span:
        middle = (low + high) / 2
        ax.set_ylim(middle - span / 2, middle + span / 2)


def _line_style(index: int) -> dict[str, Any]:
    """Colour and weight of the line of the ``index``-th scenario; the first on top."""
    return {"color": PALETTE[index % len(PALETTE)], "linewidth": 2.2 if index == 0 else 1.5,
            "zorder": 3 if index == 0 else 2}


#: Lines of a rate figure closer than this share of its y-axis everywhere overlap.
OVERLAP = 0.01


def _distinct_lines(paths: Mapping[str, xr.DataArray],
                    span: float) -> dict[str, tuple[str, dict]]:
    """The label and style of each scenario's line of a rate figure: a line
    style and markers of its own (placed at different years), and "overlaps"
    the first scenario whose line it follows within :data:`OVERLAP` of the
    y-axis (at least ``span``), so that lines that coincide stay visible and
    named."""
    arrays = [np.asarray(values, dtype=float) for values in paths.values()]
    finite = np.concatenate([a[np.isfinite(a)].ravel() for a in arrays] or [np.zeros(1)])
    tolerance = OVERLAP * max(span, float(finite.max() - finite.min()) if finite.size else 0.0)
    styled, seen = {}, {}
    for index, (name, values) in enumerate(paths.items()):
        array = np.asarray(values, dtype=float)
        same = next((other for other, earlier in seen.items()
                     if earlier.shape == array.shape
                     and np.allclose(earlier, array, rtol=0, atol=tolerance, equal_nan=True)),
                    None)
        seen.setdefault(name, array)
        style = {**_line_style(index), "linestyle": LINESTYLES[index % len(LINESTYLES)],
                 "marker": MARKERS[index % len(MARKERS)], "markersize": 4,
                 "markevery": (index % 5, 5)}
        styled[name] = (name if same is None else f"{name} (overlaps {same})", style)
    return styled


def _as_observed(observed) -> tuple[np.ndarray, np.ndarray]:
    """Years and values of observed totals from a dict, Series or DataArray."""
    if isinstance(observed, xr.DataArray):
        if observed.dims != ("time",):
            raise InputError("argument 'observed'", f"an array with dimensions {observed.dims}",
                             "a 1-D array over 'time'", "select or sum the other dimensions")
        years, values = observed.time.values, observed.values
    elif isinstance(observed, Mapping):
        years, values = list(observed.keys()), list(observed.values())
    elif hasattr(observed, "index") and hasattr(observed, "to_numpy"):
        years, values = observed.index.to_numpy(), observed.to_numpy()
    else:
        raise InputError("argument 'observed'", f"a {type(observed).__name__}",
                         "a dict of year to persons, a pandas Series or an xarray DataArray",
                         "pass the observed totals indexed by year")
    years, values = np.asarray(years), np.asarray(values, dtype=float)
    if not (np.issubdtype(years.dtype, np.integer) and np.isfinite(values).all()):
        raise InputError("argument 'observed'", f"years {years.tolist()} and values "
                         f"{values.tolist()}", "whole years and finite numbers of persons",
                         "drop the missing values and label them by year")
    return years, values


# --- figures -----------------------------------------------------------------

def _pyramid_sides(population: xr.DataArray) -> dict[str, np.ndarray]:
    """Thousands of persons by age; males negative, drawn to the left."""
    return {sex: (-1 if sex == "male" else 1) * population.sel(sex=sex).values / THOUSAND
            for sex in ("male", "female")}


def _draw_pyramid(ax: Axes, bars: xr.DataArray, bars_label: str, outline: xr.DataArray | None,
                  outline_label: str, title: str, width: int = 1,
                  date: str = STOCK_DATES[0], stack: str | None = None) -> None:
    """Bars of ``width`` years from each group's first age, the open group as high;
    with ``stack``, one layer per label of that dimension of ``bars``, outwards."""
    ages = bars.age.values
    edges = np.append(ages, ages[-1] + width)
    if stack is None:
        layers = [("", bars, 0.75)]
    else:
        layers = [(f"{label}, ", bars.sel({stack: label}, drop=True), alpha)
                  for label, alpha in zip(bars[stack].values.tolist(), STACK_ALPHAS)]
    start = dict.fromkeys(SEX_COLOURS, 0.0)
    for words, layer, alpha in layers:
        for sex, values in _pyramid_sides(layer).items():
            ax.barh(ages, values, left=start[sex], height=float(width), align="edge",
                    color=SEX_COLOURS[sex], alpha=alpha, linewidth=0,
                    label=f"{sex}s, {words}{bars_label}")
            start[sex] = start[sex] + values
    if outline is not None:
        for sex, values in _pyramid_sides(outline).items():
            ax.stairs(values, edges, orientation="horizontal", baseline=None, color="black",
                      linewidth=1.1, label=outline_label if sex == "male" else "_" + outline_label)
    ax.axvline(0, color="black", linewidth=0.6)
    limit = float(np.abs(ax.get_xlim()).max())
    ax.set_xlim(-limit, limit)
    _thousands_axis(ax.xaxis, absolute=True)
    open_age = int(ages[-1])
    ticks = [a for a in range(0, open_age, 10) if open_age - a >= 5] + [open_age]
    ax.set_yticks(ticks, [*map(str, ticks[:-1]), f"{open_age}+"])
    ax.set_ylim(0, open_age + width)
    ax.text(0.02, 0.98, "males", transform=ax.transAxes, ha="left", va="top")
    ax.text(0.98, 0.98, "females", transform=ax.transAxes, ha="right", va="top")
    grouped = "" if width == 1 else f", {width}-year groups"
    ax.set(title=title, xlabel="population [thousands]",
           ylabel=f"age on {date} [years{grouped}]")


def pyramid(
    dataset: xr.Dataset,
    year: int | None = None,
    *,
    compare_year: int | None = None,
    scenario: str | None = None,
    compare_scenario: str | None = None,
    region: str | None = None,
    nationality: str | None = None,
    by_region: bool = False,
    by: str | None = None,
    stack: str | None = None,
    ax: Axes | Sequence[Axes] | None = None,
) -> Axes | np.ndarray:
    """Population pyramid on 1 January: males left, females right.

    Bars show the population of ``year`` in thousands by single year of age
    (by age group, each bar as high as its group, on a five-year grid; the
    date is the result's, 1 July for WPP's), the open group labelled
    ``"110+"`` (its first age). An outline overlays
    the population of ``compare_year``, or of ``compare_scenario`` in
    ``year``.

    Parameters
    ----------
    dataset : xarray.Dataset
        A result.
    year : int, optional
        The 1 January shown as bars; by default the last with a population
        (:func:`last_year`): the horizon, the last 1 January projected.
    compare_year : int, optional
        A second 1 January, drawn as an outline.
    scenario : str, optional
        The scenario of the bars; by default the first.
    compare_scenario : str, optional
        A second scenario, drawn as an outline (in ``compare_year`` if
        given, else in ``year``).
    region : str, optional
        One region; by default all regions together.
    nationality : str, optional
        One nationality, for a result by nationality; by default all together.
    by_region : bool, default False
        One pyramid per region, side by side (``region`` must be None); the
        same as ``by`` naming the regions. The panels share one scale, and
        the title says so.
    by : str, optional
        A state dimension of the result (regions, nationalities): one pyramid
        per label, side by side. No label of it may be chosen.
    stack : str, optional
        A state dimension of the result (nationality): the bars of each sex
        and age are split by its labels and stacked outwards from the axis,
        the first label innermost and darkest (:data:`STACK_ALPHAS`), so
        that the outer edge is the total. No label of it may be chosen, and
        it may not be the dimension drawn side by side.
    ax : matplotlib Axes or sequence of Axes, optional
        Where to draw: one Axes, or one per label with ``by_region`` or ``by``.

    Returns
    -------
    matplotlib.axes.Axes or numpy.ndarray of Axes
        ``ax.containers`` holds the bars, males first (negative widths
        [thousands]), and with ``stack`` layer by layer in the order of its
        labels, each bar starting where the layer before ends (labels such
        as ``"males, foreign, 2060"``); the outlines are ``StepPatch`` es in
        ``ax.patches`` labelled like their legend entries.

    Raises
    ------
    InputError
        If a year, scenario, region or nationality is not in the result, if
        ``by_region`` is combined with ``region``, or ``by`` or ``stack`` is
        not a state dimension or one of its labels is chosen, or ``stack``
        is the dimension drawn side by side.

    Examples
    --------
    Brussels by nationality, Belgians next to the axis and foreigners
    outside them:

    >>> import projsim
    >>> from matplotlib.figure import Figure
    >>> ax = pyramid(projsim.project("belgium-2012"), 2012, region="Brussels-Capital Region",
    ...              stack="nationality", ax=Figure().subplots())
    >>> [bars.get_label() for bars in ax.containers]
    ['males, Belgian, 2012', 'females, Belgian, 2012',
     'males, foreign, 2012', 'females, foreign, 2012']
    >>> ax.get_title()
    'Population on 1 January 2012\\nBrussels-Capital Region, by nationality'
    """
    year = last_year(dataset) if year is None else year
    for argument, label, dim in (("year", year, "time"), ("compare_year", compare_year, "time"),
                                 ("compare_scenario", compare_scenario, "scenario")):
        if label is not None:
            check_label(dataset, dim, label, f"argument '{argument}'")
    chosen, where = _where(dataset, region, nationality)
    if by_region and region is not None:
        raise InputError("argument 'by_region'", f"True with region={region!r}",
                         "by_region=False when one region is chosen",
                         "drop region to draw every region, or by_region to draw one")
    if by_region and by not in (None, REGION):
        raise InputError("argument 'by'", f"{by!r} with by_region=True",
                         f"None or {REGION!r} with by_region=True",
                         "give by_region or by, not both")
    facet = _facet(dataset, REGION if by_region else by, chosen)
    stacked = _facet(dataset, stack, chosen, "stack")
    if stacked is not None and stacked == facet:
        raise InputError("argument 'stack'", f"{stack!r} with {stack} drawn side by side",
                         f"a state dimension other than {facet!r}",
                         f"stack one dimension and draw another side by side, or drop {stack}")
    keep = () if stacked is None else (stacked,)
    data, name = _one_scenario(dataset, scenario)
    population = _cell_population(data)
    outline = outline_label = None
    if compare_scenario is not None:
        other = _one_scenario(dataset, compare_scenario, "argument 'compare_scenario'")[0]
        outline_year = year if compare_year is None else compare_year
        outline = _cell_population(other).sel(time=outline_year)
        outline_label = f"outline: {compare_scenario}, {outline_year}"
    elif compare_year is not None:
        outline = population.sel(time=compare_year)
        outline_label = f"outline: {compare_year}"
    bars_label = f"{name}, {year}" if compare_scenario is not None else str(year)
    bars = population.sel(time=year)
    step, date = age_width(dataset), stock_date(dataset)
    title = f"Population on {date} {year}{_draw_note(dataset, 'mean')}"
    if len(_scenario_names(dataset)) > 1 and compare_scenario is None:
        title += f", {name}"
    if stacked is not None:
        where += f", by {stacked}"
    if facet is None:
        ax = _axes(ax, "pyramid")
        _draw_pyramid(ax, _pooled(bars, chosen, keep), bars_label,
                      None if outline is None else _pooled(outline, chosen), outline_label,
                      f"{title}\n{where}", step, date, stacked)
        _legend(ax)
        return ax
    labels = [str(label) for label in dataset[facet].values]
    if ax is None:
        import matplotlib.pyplot as plt

        width, height = _SIZES["facet"]
        axes = plt.subplots(1, len(labels), figsize=(width * len(labels), height),
                            layout="constrained", sharey=True, squeeze=False)[1][0]
    else:
        axes = np.asarray(ax, dtype=object).ravel()
        if axes.size != len(labels):
            raise InputError("argument 'ax'", f"{axes.size} Axes",
                             f"one per {facet}, {len(labels)}",
                             f"pass as many Axes as {_plural(facet)}, or none")
    for axis, label in zip(axes, labels):
        _draw_pyramid(axis, _pooled(bars, {**chosen, facet: label}, keep), bars_label,
                      None if outline is None else _pooled(outline, {**chosen, facet: label}),
                      outline_label, label, step, date, stacked)
    limit = max(float(np.abs(axis.get_xlim()).max()) for axis in axes)
    for axis in axes:
        axis.set_xlim(-limit, limit)
    for axis in axes[1:]:
        axis.set_ylabel("")
    title += f", one scale for every {facet}"
    axes[0].figure.suptitle(title if not chosen and stacked is None else f"{title}\n{where}")
    _legend(axes[-1])
    return axes


def _plural(dim: str) -> str:
    return f"{dim[:-1]}ies" if dim.endswith("y") else f"{dim}s"


def _facet(dataset: xr.Dataset, by: str | None, chosen: Mapping[str, str],
           argument: str = "by") -> str | None:
    """The state dimension to draw one figure (or one layer, ``argument``
    'stack') per label of, after checking it."""
    if by is None:
        return None
    dims = state_dims(dataset)
    if by not in dims:
        fix = ("name a state dimension of the result, or none for one figure" if argument == "by"
               else "name a state dimension of the result, or none for bars of the total")
        raise InputError(f"argument '{argument}'", repr(by),
                         f"one of the state dimensions {list(dims)}", fix)
    if by in chosen:
        raise InputError(f"argument '{argument}'", f"{by!r} with {by}={chosen[by]!r}",
                         f"{argument}=None when one {by} is chosen",
                         f"drop {by} to draw every {by}, or {argument} to draw one")
    return by


def totals(
    dataset: xr.Dataset,
    *,
    scenarios: Sequence[str] | None = None,
    region: str | None = None,
    nationality: str | None = None,
    observed=None,
    ax: Axes | None = None,
) -> Axes:
    """Total population on 1 January over time, one line per scenario.

    Parameters
    ----------
    dataset : xarray.Dataset
        A result.
    scenarios : sequence of str, optional
        The scenarios to draw; by default all of them.
    region : str, optional
        One region; by default all regions together.
    nationality : str, optional
        One nationality, for a result by nationality; by default all together.
    observed : dict, pandas.Series or xarray.DataArray, optional
        Observed population on 1 January [persons] by year, drawn as points.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One line per scenario (``ax.lines``, y in thousands), then the
        observed points.
    """
    at, where = _where(dataset, region, nationality)
    chosen = _scenarios(dataset, scenarios)
    points = None if observed is None else _as_observed(observed)
    ax = _axes(ax)
    for index, (name, data) in enumerate(chosen):
        if is_draws_summary(data):
            total = _stored_quantile(data, at, 0.5)
        else:
            total = _median_draw(_pooled(data.population, at).sum(["sex", "age"]))
        ax.plot(total.time, total / THOUSAND, label=name, **_line_style(index))
    if points is not None:
        years, values = points
        ax.plot(years, values / THOUSAND, linestyle="none", marker="o", markersize=4,
                color="black", markerfacecolor="white", label="observed")
    ax.set(title=f"Population on {stock_date(dataset)}, {where}{_draw_note(dataset)}",
           ylabel="population [thousands]")
    _thousands_axis(ax.yaxis)
    _years_axis(ax)
    _legend(ax)
    return ax


def components(
    dataset: xr.Dataset,
    *,
    scenario: str | None = None,
    region: str | None = None,
    nationality: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Components of change each year, as stacked bars, and the net change.

    Births and positive migration stack upwards, deaths (drawn negative)
    and negative migration downwards; a line shows the population change
    from 1 January to 1 January, their sum. A chosen region (or nationality)
    also shows the net of each kind of move between states that does not
    cancel within it: internal migration for a region, naturalisations for a
    nationality. The UN population floor appears where it added persons.

    Parameters
    ----------
    dataset : xarray.Dataset
        A result.
    scenario : str, optional
        By default the first.
    region : str, optional
        One region; by default all regions together.
    nationality : str, optional
        One nationality, for a result by nationality; by default all together.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One bar container per component (``ax.containers``, labelled as in
        the legend, heights in thousands of persons per year, deaths
        negative) and the line of the change (``ax.lines``).
    """
    chosen, where = _where(dataset, region, nationality)
    data, name = _one_scenario(dataset, scenario)
    flows = _flow_years(data)
    series = {
        "births": flows.births.sum("sex"),
        "deaths": -flows.deaths.sum(["sex", "age"]),
        "net_migration": flows.net_migration.sum(["sex", "age"]),
        **(_moves_shown(flows, chosen) if chosen else {}),
    }
    if "population_floor" in flows and float(np.abs(flows.population_floor).sum()) > 0:
        series["population_floor"] = flows.population_floor.sum(["sex", "age"])
    series = {key: _median_draw(_pooled(value, chosen)) / THOUSAND
              for key, value in series.items()}
    change = _median_draw(_pooled(data.population, chosen).sum(["sex", "age"]).diff("time",
                                                                                  label="lower"))
    width = age_width(dataset)
    change = change if width == 1 else change / width       # per year, as the flows
    ax = _axes(ax)
    years = flows.time.values
    up, down = np.zeros(len(years)), np.zeros(len(years))
    for key, values in series.items():
        values = values.values
        bottom = np.where(values >= 0, up, down)
        ax.bar(years, values, bottom=bottom, width=0.8 * width, align="center" if width == 1
               else "edge", color=COMPONENT_COLOURS[key], label=COMPONENT_LABELS[key])
        up, down = up + np.maximum(values, 0), down + np.minimum(values, 0)
    middle = years if width == 1 else years + 0.4 * width     # the middle of each step's bar
    ax.plot(middle, change.values / THOUSAND, color="black", linewidth=1.5,
            label="population change")
    ax.axhline(0, color="black", linewidth=0.6)
    title = f"Components of change, {where}{_draw_note(dataset)}"
    if len(_scenario_names(dataset)) > 1:
        title += f", {name}"
    per = "per year" if width == 1 else f"per year, means of {width}-year steps"
    ax.set(title=title, ylabel=f"persons {per} [thousands]")
    _thousands_axis(ax.yaxis)
    _years_axis(ax)
    _legend(ax)
    return ax


def tfr(
    dataset: xr.Dataset,
    *,
    scenarios: Sequence[str] | None = None,
    region: str | None = None,
    nationality: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Total fertility rate assumed, one line per scenario.

    The period TFR of the assumed ``fertility_rate``
    (:func:`projsim.indicators.tfr`), all regions pooled with the women's
    exposures as weights unless ``region`` is given.

    Parameters
    ----------
    dataset : xarray.Dataset
        A result with ``fertility_rate``.
    scenarios : sequence of str, optional
        By default all of them.
    region : str, optional
        One region; by default all regions together.
    nationality : str, optional
        One nationality, for a result by nationality; by default all together.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One line per scenario (``ax.lines``) [children per woman].
    """
    chosen, where = _where(dataset, region, nationality)
    paths = {name: _median_draw(_fertility(data, chosen))
             for name, data in _scenarios(dataset, scenarios)}
    ax = _axes(ax)
    styles = _distinct_lines(paths, TFR_SPAN)
    for name, values in paths.items():
        label, style = styles[name]
        ax.plot(values.time, values, label=label, **style)
    ax.set(title=f"Total fertility rate, {where}{_draw_note(dataset)}",
           ylabel="total fertility rate [children per woman]")
    _minimum_span(ax, TFR_SPAN)
    _years_axis(ax)
    _legend(ax)
    return ax


def e0(
    dataset: xr.Dataset,
    *,
    scenarios: Sequence[str] | None = None,
    region: str | None = None,
    nationality: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Life expectancy at birth assumed, by sex, for each scenario.

    The period e0 of the assumed ``mortality_rate``
    (:func:`projsim.indicators.life_expectancy`), all regions pooled with
    the exposures as weights unless ``region`` is given. With one scenario
    the colours tell the sexes apart; with several, colours are scenarios
    and the line style is the sex (females solid, males dashed).

    Parameters
    ----------
    dataset : xarray.Dataset
        A result with ``mortality_rate``.
    scenarios : sequence of str, optional
        By default all of them.
    region : str, optional
        One region; by default all regions together.
    nationality : str, optional
        One nationality, for a result by nationality; by default all together.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Two lines per scenario, females first (``ax.lines``) [years].
    """
    chosen, where = _where(dataset, region, nationality)
    paths = {name: _median_draw(_life_expectancy(data, chosen))
             for name, data in _scenarios(dataset, scenarios)}
    ax = _axes(ax)
    styles = _distinct_lines({name: values.transpose("sex", ...) for name, values in
                              paths.items()}, E0_SPAN)
    for name, values in paths.items():
        shown_name, style = styles[name]
        for sex in SEXES:
            style = {**style, "linestyle": SEX_LINESTYLES[sex]}
            if len(paths) == 1:
                style["color"] = SEX_COLOURS[sex]
                style["marker"] = ""
            label = f"{sex}s" if len(paths) == 1 else f"{shown_name}, {sex}s"
            ax.plot(values.time, values.sel(sex=sex), label=label, **style)
    ax.set(title=f"Life expectancy at birth, {where}{_draw_note(dataset)}",
           ylabel="life expectancy at birth [years]")
    _minimum_span(ax, E0_SPAN)
    _years_axis(ax)
    _legend(ax)
    return ax


def dependency(
    dataset: xr.Dataset,
    *,
    scenarios: Sequence[str] | None = None,
    region: str | None = None,
    nationality: str | None = None,
    kind: indicators.DependencyKind = "old",
    working_age: tuple[int, int] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Dependency ratio on 1 January over time, one line per scenario.

    See :func:`projsim.indicators.dependency_ratio`; by default persons
    aged 67 and over per 100 persons aged 18 to 66 (65 and over per 100 aged
    15 to 64 on five-year groups, :func:`projsim.indicators.default_working_age`).

    Parameters
    ----------
    dataset : xarray.Dataset
        A result.
    scenarios : sequence of str, optional
        By default all of them.
    region : str, optional
        One region; by default all regions together.
    nationality : str, optional
        One nationality, for a result by nationality; by default all together.
    kind : {"old", "young", "total"}, default "old"
        Persons over working age, under it, or both.
    working_age : (int, int), optional
        The first working age and the first age after it [years]; by
        default the result's (:func:`projsim.indicators.default_working_age`).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One line per scenario (``ax.lines``) [persons per 100 of working age].
    """
    chosen, where = _where(dataset, region, nationality)
    working_age = indicators.default_working_age(dataset) if working_age is None else working_age
    paths = {name: _median_draw(_of(indicators.dependency_ratio(
        data, kind, working_age=working_age, aggregate=_aggregate(data, chosen, "sex")), chosen))
        for name, data in _scenarios(dataset, scenarios)}
    ax = _axes(ax)
    for index, (name, values) in enumerate(paths.items()):
        ax.plot(values.time, values, label=name, **_line_style(index))
    young, old = working_age
    dependent = {"old": f"{old}+", "young": f"under {young}",
                 "total": f"under {young} and {old}+"}[kind]
    name = {"old": "Old-age", "young": "Young-age", "total": "Total"}[kind]
    ax.set(title=f"{name} dependency ratio, {where}{_draw_note(dataset)}",
           ylabel=f"persons {dependent}\nper 100 aged {young}-{old - 1}")
    _years_axis(ax)
    _legend(ax)
    return ax


def _household_counts(data: xr.Dataset, model: xr.Dataset | None,
                      method: str | None) -> tuple[xr.DataArray, str]:
    """Households by region and type of one scenario, and the method that counted them:
    those the result stores (``model`` None), or counted with ``model``."""
    from projsim.analysis import households as counting

    if model is None:
        return counting.households(data, method=method), str(data.attrs.get("household_method",
                                                                          "constant"))
    stock = "population_mean" if is_draws_summary(data) else "population"
    method = method or "constant"
    return counting.households(data, model, method=method, stock=stock), method


def household_credit(dataset: xr.Dataset, model: xr.Dataset | None = None,
                     method: str | None = None) -> str:
    """The sources of a households figure, in one line: those of ``model`` with
    ``method``, or of the households the result stores (its ``household_credit``)."""
    from projsim.analysis.households import household_credit as of_model

    credit = of_model(model, method or "constant") if model is not None \
        else str(dataset.attrs.get("household_credit", ""))
    return f"Households: {credit}."


def households(
    dataset: xr.Dataset,
    *,
    scenario: str | None = None,
    region: str | None = None,
    model: xr.Dataset | None = None,
    method: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Private households on 1 January by type over time, stacked, with their total.

    The households are those the result stores (a scenario with a
    ``[households]`` section), or counted from its population with ``model``
    (:mod:`projsim.analysis.households`; nationalities pooled). Draws show
    the median of each type and of the total; the summaries of draws, the
    households of the mean population.

    Parameters
    ----------
    dataset : xarray.Dataset
        A result.
    scenario : str, optional
        By default the first.
    region : str, optional
        One region; by default all regions together.
    model : xarray.Dataset, optional
        A household model (:func:`projsim.io.households.read_household_model`),
        needed when the result stores no households.
    method : {"constant", "trend"}, optional
        With ``model``: the census shares held (the default) or trended.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One filled layer per household type, stacked in the order of
        :data:`projsim.types.HOUSEHOLD_TYPES` (``ax.collections``), and the
        total (``ax.lines``), in thousands of households.

    Examples
    --------
    >>> import projsim
    >>> ax = households(projsim.project("fpb-2013-households"))
    >>> print(f"{ax.lines[0].get_ydata()[-1]:,.0f}")    # thousands, 1 January 2061
    5,810
    """
    chosen, where = _where(dataset, region)
    data, name = _one_scenario(dataset, scenario)
    counts, method = _household_counts(data, model, method)
    counts = counts.sel(chosen, drop=True) if chosen else counts.sum(REGION)
    layers = _median_draw(counts).transpose("time", "household_type")
    total = _median_draw(counts.sum("household_type"))
    ax = _axes(ax)
    kinds = [str(kind) for kind in layers["household_type"].values]
    ax.stackplot(layers.time.values, layers.values.T / THOUSAND,
                 labels=[HOUSEHOLD_LABELS[kind] for kind in kinds],
                 colors=[HOUSEHOLD_COLOURS[kind] for kind in kinds], alpha=0.85)
    ax.plot(total.time.values, total.values / THOUSAND, color="black", linewidth=1.5,
            label="all private households")
    title = f"Private households on 1 January, {where}{_draw_note(dataset, 'mean')}"
    if len(_scenario_names(dataset)) > 1:
        title += f", {name}"
    ax.set(title=f"{title}\n{HOUSEHOLD_METHOD_WORDS.get(method, method)}",
           ylabel="households [thousands]")
    ax.set_ylim(bottom=0)
    _thousands_axis(ax.yaxis)
    _years_axis(ax)
    _legend(ax)
    return ax


def _check_quantiles(quantiles) -> list[tuple[float, float]]:
    try:
        pairs = [(float(low), float(high)) for low, high in quantiles]
    except (TypeError, ValueError):
        pairs = []
    if not pairs or not all(0 <= low < high <= 1 for low, high in pairs):
        raise InputError("argument 'quantiles'", repr(quantiles),
                         "pairs (low, high) of quantiles with 0 <= low < high <= 1",
                         "give for example ((0.1, 0.9), (0.25, 0.75))")
    return sorted(pairs, key=lambda pair: pair[0] - pair[1])


def fan(
    dataset: xr.Dataset,
    variable: str = "population",
    *,
    scenario: str | None = None,
    region: str | None = None,
    nationality: str | None = None,
    quantiles: Sequence[tuple[float, float]] = FAN_QUANTILES,
    ax: Axes | None = None,
) -> Axes:
    """Fan chart of a total over stochastic draws: median and bands.

    Parameters
    ----------
    dataset : xarray.Dataset
        A result with a ``draw`` dimension.
    variable : str, default "population"
        A count in persons: ``population`` or a flow such as ``births``,
        ``deaths`` or ``net_migration``, summed over sex and age.
    scenario : str, optional
        By default the first.
    region : str, optional
        One region; by default all regions together.
    nationality : str, optional
        One nationality, for a result by nationality; by default all together.
    quantiles : sequence of (float, float), default ((0.1, 0.9), (0.25, 0.75))
        Each pair bounds one band; by default the 80% and 50% intervals.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One filled band per pair, widest first (``ax.collections``), and
        the median line (``ax.lines``), in thousands.

    Raises
    ------
    InputError
        If the result has no ``draw`` dimension, or on an unknown variable
        or bad quantiles.
    """
    summaries = is_draws_summary(dataset)
    if "draw" not in dataset.dims and not summaries:
        raise InputError("argument 'dataset'", f"a result without a 'draw' dimension "
                         f"(dimensions {list(dataset.dims)})", "a result with stochastic draws",
                         "draw a fan chart of a stochastic projection, or plot 'totals'")
    counts = ["population"] if summaries else [
        name for name, v in dataset.data_vars.items()
        if str(v.attrs.get("units", "")).startswith("persons") and "draw" in v.dims]
    if variable not in counts:
        raise InputError("argument 'variable'", repr(variable), f"one of {_shown(counts)}",
                         "choose a count in persons" if not summaries else
                         "the summaries of draws store the population's quantiles only")
    pairs = _check_quantiles(quantiles)
    chosen, where = _where(dataset, region, nationality)
    data, name = _one_scenario(dataset, scenario)
    if summaries:
        def band(q):
            return _stored_quantile(data, chosen, q).values / THOUSAND
        years, draws = data.time.values, _draws_of(dataset)
        attrs = {"long_name": "population on 1 January", "units": "persons"}
    else:
        array = _pooled(data[variable], chosen)
        array = array.sum([d for d in array.dims if d not in ("time", "draw")])
        array = array.transpose("time", "draw")
        if variable != "population":
            array = array.isel(time=slice(None, -1))
        values = array.values / THOUSAND

        def band(q):
            return np.quantile(values, q, axis=1)
        years, draws = array.time.values, dataset.sizes["draw"]
        attrs = dataset[variable].attrs
    bands = [(low, high, band(low), band(high)) for low, high in pairs]
    middle = band(0.5)
    ax = _axes(ax)
    shades = np.linspace(0.25, 0.55, len(pairs))
    for (low, high, lower, upper), alpha in zip(bands, shades):
        ax.fill_between(years, lower, upper, color=OKABE_ITO["blue"], alpha=alpha, linewidth=0,
                        label=f"{high - low:.0%} interval ({low:.0%} to {high:.0%})")
    ax.plot(years, middle, color="black", linewidth=2, label="median")
    long_name = str(attrs.get("long_name", variable))
    title = f"{long_name[:1].upper()}{long_name[1:]}, {where}"
    if len(_scenario_names(dataset)) > 1:
        title += f", {name}"
    ax.set(title=f"{title}\n{draws:,} draws",
           ylabel=f"{variable.replace('_', ' ')} [thousands of {attrs.get('units', 'persons')}]")
    _thousands_axis(ax.yaxis)
    _years_axis(ax)
    _legend(ax)
    return ax


# --- rendering outside pyplot -------------------------------------------------

_FUNCTIONS = {"pyramid": pyramid, "totals": totals, "components": components, "tfr": tfr,
              "e0": e0, "dependency": dependency, "fan": fan, "households": households}


def render(dataset: xr.Dataset, kind: PlotKind, /, *, format: str = "png", dpi: int = 120,
           **options: Any) -> bytes:
    """Draw one figure on a new :class:`~matplotlib.figure.Figure` and encode it.

    The figure is made without pyplot (no window, no global state), so this
    is safe in scripts, servers and the command line.

    Parameters
    ----------
    dataset : xarray.Dataset
        A result.
    kind : {"pyramid", "totals", "components", "tfr", "e0", "dependency", "fan", "households"}
        The function of this module to call.
    format : str, default "png"
        An image format matplotlib writes (``"png"``, ``"svg"``, ``"pdf"``).
    dpi : int, default 120
        Resolution of raster formats [dots per inch].
    **options
        Keyword arguments of the plot function (``kind`` too, for
        :func:`dependency`: ``kind`` and ``dataset`` are positional here).

    Returns
    -------
    bytes
        The encoded image.

    Examples
    --------
    >>> import projsim
    >>> png = render(projsim.project("belgium-2012"), "totals", dpi=30)
    >>> png[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    from matplotlib.figure import Figure

    if kind not in _FUNCTIONS:
        raise InputError("argument 'kind'", repr(kind), f"one of {list(PLOT_KINDS)}",
                         "choose one of these kinds")
    facet = REGION if options.get("by_region") else options.get("by")
    if kind == "pyramid" and facet in dataset.dims:
        width, height = _SIZES["facet"]
        figure = Figure(figsize=(width * dataset.sizes[facet], height), layout="constrained")
        ax = figure.subplots(1, dataset.sizes[facet], sharey=True)
    else:
        figure = Figure(figsize=_SIZES["pyramid" if kind == "pyramid" else "line"],
                        layout="constrained")
        ax = figure.add_subplot()
    if is_draws_summary(dataset) and kind not in SUMMARY_KINDS:
        raise InputError("argument 'kind'", f"{kind!r} with the summaries of stochastic draws",
                         f"one of {list(SUMMARY_KINDS)}, which the summaries hold",
                         "keep the draws (--keep draws) for the other figures")
    _FUNCTIONS[kind](dataset, ax=ax, **options)
    credit = credit_text(dataset)
    if kind == "households":
        credit += "\n" + household_credit(dataset, options.get("model"), options.get("method"))
    figure.supxlabel(credit, x=0.01, ha="left", fontsize=7, color="#444444")
    stream = io.BytesIO()
    figure.savefig(stream, format=format, dpi=dpi)
    return stream.getvalue()


@xr.register_dataset_accessor("projsim_plot")
class PlotAccessor:
    """The figures of this module as methods of a result: ``ds.projsim_plot.pyramid()``.

    Each method is the function of the same name with the Dataset as first
    argument; see :func:`pyramid`, :func:`totals`, :func:`components`,
    :func:`tfr`, :func:`e0`, :func:`dependency`, :func:`fan` and :func:`households`.
    """

    def __init__(self, dataset: xr.Dataset) -> None:
        self._dataset = dataset

    def pyramid(self, *args, **kwargs):
        return pyramid(self._dataset, *args, **kwargs)

    def totals(self, **kwargs):
        return totals(self._dataset, **kwargs)

    def components(self, **kwargs):
        return components(self._dataset, **kwargs)

    def tfr(self, **kwargs):
        return tfr(self._dataset, **kwargs)

    def e0(self, **kwargs):
        return e0(self._dataset, **kwargs)

    def dependency(self, **kwargs):
        return dependency(self._dataset, **kwargs)

    def fan(self, *args, **kwargs):
        return fan(self._dataset, *args, **kwargs)

    def households(self, **kwargs):
        return households(self._dataset, **kwargs)
