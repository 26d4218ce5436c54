"""A self-contained HTML report of a projection result, for readers without Python.

:func:`report_html` turns a result into one HTML page: the scenario and its
assumptions, tables of key figures and the main figures of
:mod:`projsim.plots`, embedded as base64 PNG images. The page has no
scripts, style sheets or images from elsewhere, so it can be mailed or
archived as it is. Every text that comes from the result (scenario, region
and attribute values) is HTML-escaped.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from projsim import plots
from projsim.analysis import indicators
from projsim.io.households import DEFAULT_HOUSEHOLD_MODEL, read_household_model
from projsim.model.states import state_dims
from projsim.result import age_width, stock_date
from projsim.types import NATIONALITY, REGION

#: Plain-language meaning of the option values recorded in a result.
_MEANINGS = {
    ("migration_timing", "even"): "half of each year's international migrants arrive on "
    "1 January and half on 31 December",
    ("migration_timing", "end"): "international migrants arrive at the end of the year",
    ("safeguard", "reduce"): "an emigration larger than the population at risk is cut to that "
    "population, and the cut is recorded",
    ("safeguard", "ccmpp"): "the UN Population Division's rules: emigration is capped and a "
    "negative population is raised to 0.0005 persons, both recorded",
}
_ASSUMPTIONS = (
    ("scenario", "Scenario"), ("scenario_description", "Description"),
    ("scenario_file", "Scenario file"), ("base", "Base population"),
    ("migration_timing", "Timing of migration"), ("safeguard", "Safeguard"),
    ("conventions", "Method"), ("seed", "Random seed"), ("projsim_version", "projsim version"),
)
_CSS = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #111; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #bbb; }
.lead { font-size: 1.1rem; color: #333; }
table { border-collapse: collapse; margin: 0.8rem 0; }
th, td { padding: 0.25rem 0.7rem; border-bottom: 1px solid #ddd; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
figure { margin: 1.5rem 0; } figure img { max-width: 100%; height: auto; }
figcaption, .note { color: #444; font-size: 0.95rem; }
code { font-size: 0.9rem; word-break: break-all; }
"""
MISSING = "\N{EM DASH}"


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _scenario_names(dataset: xr.Dataset) -> list[str]:
    if "scenario" in dataset.dims:
        return [str(s) for s in dataset.scenario.values]
    return [str(dataset.attrs.get("scenario", "projection"))]


def _scenario(dataset: xr.Dataset, name: str) -> xr.Dataset:
    return dataset.sel(scenario=name, drop=True) if "scenario" in dataset.dims else dataset


def _median(array: xr.DataArray) -> xr.DataArray:
    """The median over stochastic draws, if any."""
    return array.median("draw") if "draw" in array.dims else array


def default_years(dataset: xr.Dataset) -> list[int]:
    """The base year, every tenth year of the result's dates and the horizon."""
    first, last = int(dataset.time[0]), int(dataset.time[-1])
    dates = set(dataset.time.values.tolist())
    return [first, *(y for y in range((first // 10 + 1) * 10, last, 10) if y in dates), last]


def _words(dataset: xr.Dataset) -> dict[str, str]:
    """The words of the result's grid: its date, its step, its ages and the timing of migrants.

    Examples
    --------
    >>> _words(xr.Dataset(attrs={"grid": "5x5", "stock_date": "1 July"}))["by"]
    'in five-year steps'
    """
    date, width = stock_date(dataset), age_width(dataset)
    if width == 1:
        period = "A year runs from 1 January to 31 December." if date == "1 January" \
            else f"A year runs from {date} to {date} of the next year."
        return {"date": date, "step": "year", "by": "year by year", "ages": "single year of age",
                "ageing": "grow one year older", "period": period,
                "even": _MEANINGS[("migration_timing", "even")]}
    step = f"{_NUMBERS.get(width, width)}-year step"
    return {"date": date, "step": step, "by": f"in {step}s", "ages": f"{width}-year age group",
            "ageing": "move into the next age group",
            "period": f"A step runs from {date} of its first year to {date} {width} years "
                      "later; its flows are shown per year, the step's count divided by "
                      f"{width}.",
            "even": "half of each step's international migrants arrive at its start and half "
                    "at its end"}


#: Widths of steps in words.
_NUMBERS = {5: "five"}


def _number(value: float, digits: int) -> str:
    return MISSING if not np.isfinite(value) else f"{value:,.{digits}f}".replace(
        "-", "\N{MINUS SIGN}")


def _table(caption: str, header: Sequence[str], rows: Sequence[tuple[str, Sequence[str]]],
           note: str = "") -> str:
    """An HTML table; the caption, header and row labels are escaped here."""
    head = "".join(f'<th class="n">{_e(h)}</th>' for h in header)
    body = "".join(f"<tr><th>{_e(label)}</th>"
                   + "".join(f'<td class="n">{_e(c)}</td>' for c in cells) + "</tr>"
                   for label, cells in rows)
    table = (f"<table><caption>{_e(caption)}</caption><thead><tr><th></th>{head}</tr></thead>"
             f"<tbody>{body}</tbody></table>")
    return table + (f'<p class="note">{_e(note)}</p>' if note else "")


def _series(array: xr.DataArray, years: Sequence[int], digits: int) -> list[str]:
    array = _median(array)
    return [_number(float(array.sel(time=y)), digits) if y in array.time else MISSING
            for y in years]


def _figure(dataset: xr.Dataset, kind: str, title: str, text: str, **options) -> str:
    image = base64.b64encode(plots.render(dataset, kind, dpi=100, **options)).decode("ascii")
    return (f"<figure><h3>{_e(title)}</h3>"
            f'<img alt="{_e(title)}" src="data:image/png;base64,{image}">'
            f"<figcaption>{_e(text)}</figcaption></figure>")


def _assumptions(dataset: xr.Dataset) -> str:
    attrs = dataset.attrs
    rows = []
    for key, label in _ASSUMPTIONS:
        if key in attrs:
            value = str(attrs[key])
            meaning = _MEANINGS.get((key, value))
            if (key, value) == ("migration_timing", "even"):
                meaning = _words(dataset)["even"]
            rows.append(f"<tr><th>{_e(label)}</th><td>{_e(value)}"
                        + (f" ({_e(meaning)})" if meaning else "") + "</td></tr>")
    adjusted = attrs.get("overrides_migration_cells")
    floored = attrs.get("overrides_floor_cells")
    if adjusted is not None or floored is not None:
        rows.append("<tr><th>Overrides</th><td>"
                    f"{_e(adjusted if adjusted is not None else 0)} cells of migration adjusted, "
                    f"{_e(floored if floored is not None else 0)} cells raised by the population "
                    "floor (age, sex, region and year cells where the engine changed an input "
                    "so that no population became negative)</td></tr>")
    return f"<table>{''.join(rows)}</table>"


def _provenance(dataset: xr.Dataset) -> str:
    shown = {key for key, _ in _ASSUMPTIONS}
    rows = "".join(f"<tr><th>{_e(key)}</th><td><code>{_e(value)}</code></td></tr>"
                   for key, value in dataset.attrs.items() if key not in shown)
    return ("<details><summary>Provenance: every attribute of the result file, with the "
            "SHA-256 fingerprints of its inputs</summary>"
            f"<table>{rows}</table></details>")


def _national_median(data: xr.Dataset) -> xr.DataArray:
    """The median of the national total over the draws (time): the stored
    ``national_quantile`` when the result has it, else from the draws; a
    projection's national total without draws."""
    if "national_quantile" in data:
        return data.national_quantile.sel(quantile=0.5, age_group="all", drop=True)
    states = list(state_dims(data))
    return _median(data.population.sum([*states, "sex", "age"]))


def _population_table(data: xr.Dataset, years: list[int]) -> str:
    states = list(state_dims(data))
    header = [str(y) for y in years]
    if plots.is_draws_summary(data):
        medians = data.population_quantile.sel(quantile=0.5, age_group="all", drop=True)
        stacked = medians.stack(state=states)
        rows = [(", ".join(str(label) for label in np.atleast_1d(state)),
                 _series(stacked.sel(state=state), years, 0)) for state in stacked.state.values]
    else:
        population = data.population.sum([dim for dim in states if dim != REGION] + ["sex", "age"])
        rows = [(str(region), _series(population.sel({REGION: region}), years, 0))
                for region in data[REGION].values]
    rows.append((f"Total ({plots.area_name(data)})", _series(_national_median(data), years, 0)))
    note = ("Medians over the draws; the total is the median of the national total, not the "
            "sum of the medians above." if "draw" in data.dims or plots.is_draws_summary(data)
            else "")
    return _table(f"Population on {stock_date(data)} [persons]", header, rows, note)


def _quantiles_table(data: xr.Dataset, years: list[int]) -> str:
    """The national population's quantiles over the draws, by year."""
    national = data.national_quantile.sel(age_group="all", drop=True)
    rows = [(f"{float(q):.0%}", _series(national.sel(quantile=q), years, 0))
            for q in national["quantile"].values]
    return _table(f"Population on 1 January, {plots.area_name(data)}: quantiles over "
                  f"{int(data.attrs.get('draws', 0)):,} draws [persons]",
                  [str(y) for y in years], rows,
                  "A quantile of 10% means that one draw in ten ends below that figure.")


def _components_table(data: xr.Dataset, years: list[int]) -> str:
    states = list(state_dims(data))
    flows = data.sum(states)
    births = flows.births.sum("sex")
    deaths = flows.deaths.sum(["sex", "age"])
    migration = flows.net_migration.sum(["sex", "age"])
    total = data.population.sum([*states, "sex", "age"])
    change = total.diff("time", label="lower")
    natural = indicators.natural_balance(data, aggregate=(*states, "sex"))
    rows = [("Births", births), ("Deaths", deaths), ("Natural balance (births - deaths)", natural),
            ("International net migration", migration), ("Population change", change)]
    width = age_width(data)
    if width != 1:
        rows[-1] = ("Population change", change / width)
    during = "during the year" if width == 1 else "per year of each step"
    return _table(f"Components of change {during}, {plots.area_name(data)} "
                  "[persons per year]",
                  [str(y) for y in years], [(label, _series(a, years, 0)) for label, a in rows],
                  f"{_words(data)['period']} The population change also "
                  "includes any persons added by the population floor; internal migration "
                  "moves people between regions and adds up to zero for all regions.")


#: Variables the parts of the report need beyond ``population`` (a stochastic
#: result may keep the population only).
_NEEDS = {"components": ("births", "deaths", "net_migration"), "tfr": ("fertility_rate",),
          "e0": ("mortality_rate",)}


def _has(dataset: xr.Dataset, part: str) -> bool:
    return all(name in dataset for name in _NEEDS.get(part, ()))


def _indicator_rows(data: xr.Dataset) -> list[tuple[str, str, xr.DataArray, int, bool]]:
    """Label, short label, values, decimals, and whether the values are of a year
    (else of 1 January), for the indicators the result has the variables of."""
    young, old = indicators.default_working_age(data)
    national = state_dims(data)
    people = (*national, "sex")
    rows = []
    if _has(data, "tfr"):
        rows.append(("Total fertility rate [children per woman]", "TFR",
                     indicators.tfr(data, aggregate=national), 2, True))
    if _has(data, "e0"):
        e0 = indicators.life_expectancy(data, aggregate=national)
        rows += [("Life expectancy at birth, females [years]", "e0 females",
                  e0.sel(sex="female", drop=True), 1, True),
                 ("Life expectancy at birth, males [years]", "e0 males",
                  e0.sel(sex="male", drop=True), 1, True)]
    return rows + [
        (f"Old-age dependency ratio [persons {old}+ per 100 aged {young}-{old - 1}]",
         "Old-age dependency", indicators.dependency_ratio(data, "old", aggregate=people), 1,
         False),
        ("Median age [years]", "Median age", indicators.median_age(data, aggregate=people), 1,
         False),
    ]


def _indicators_table(data: xr.Dataset, years: list[int]) -> str:
    indicator_rows = _indicator_rows(data)
    rows = [(label, _series(array, years, digits)) for label, _, array, digits, _ in
            indicator_rows]
    note = f"The dependency ratio and the median age are on {stock_date(data)}."
    if any(of_year for *_, of_year in indicator_rows):
        step = _words(data)["step"]
        note = (f"Fertility and life expectancy are those assumed for the {step} (the period "
                f"indicators of that {step}'s rates, the regions weighted by their "
                f"population); the last date has no {step} after it ({MISSING}), so see "
                f"{int(data.time[-2])} for the last {step} projected. " + note)
    return _table(f"Key indicators, {plots.area_name(data)}", [str(y) for y in years], rows,
                  note)


def _scenarios_table(dataset: xr.Dataset) -> str:
    first, last = int(dataset.time[0]), int(dataset.time[-1])
    last_year = int(dataset.time[-2])
    header = [f"Population {stock_date(dataset)} {last}", f"Change since {first} [%]"]
    rows = []
    for name in _scenario_names(dataset):
        data = _scenario(dataset, name)
        total = _national_median(data)
        growth = 100 * (float(total.sel(time=last)) / float(total.sel(time=first)) - 1)
        cells = [_number(float(total.sel(time=last)), 0), _number(growth, 1)]
        indicator_rows = _indicator_rows(data)
        for _, _, array, digits, of_year in indicator_rows:
            value = _median(array).sel(time=last_year if of_year else last)
            cells.append(_number(float(value), digits))
        rows.append((name, cells))
    header += [f"{short} {last_year if of_year else last}"
               for _, short, _, _, of_year in indicator_rows]
    young, old = indicators.default_working_age(dataset)
    return _table(f"The scenarios at the end of the projection, {plots.area_name(dataset)}",
                  header, rows,
                  f"TFR: children per woman; e0: life expectancy at birth [years]; old-age "
                  f"dependency: persons {old}+ per 100 aged {young}-{old - 1}.")


def _household_counts(data: xr.Dataset, model) -> tuple[xr.Dataset | None, str]:
    """The households of one scenario: those the result stores, else counted with
    ``model`` (the census shares held) when it covers the result's regions; as
    ``households`` (time, ..., region, household_type), ``size`` and ``share``
    (national, where the result lets them be computed), with the note that
    says how they were counted. None, with the reason, when there are none."""
    from projsim.analysis import households as counting

    if "households" in data:
        counted = {"households": data.households,
                   "share": counting.one_person_share(data, aggregate=REGION)}
        if "persons_by_position" in data:
            counted["size"] = counting.average_household_size(data, aggregate=REGION)
        note = (f"Counted by the scenario's [households] section: {data.attrs.get('households')}. "
                f"Sources: {data.attrs.get('household_credit')}.")
        return xr.Dataset(counted), note
    if model is None:
        return None, ""
    if age_width(data) != 1:
        return None, (f"Households are left out: the household model {model.attrs.get('model')} "
                      f"counts single years of age, and this result is by {age_width(data)}-year "
                      "groups.")
    missing = [str(r) for r in data[REGION].values if r not in model[REGION].values]
    if missing:
        return None, (f"Households are left out: the household model "
                      f"{model.attrs.get('model')} does not cover the region {missing[0]}.")
    options = {"stock": "population_mean" if plots.is_draws_summary(data) else "population"}
    counted = xr.Dataset({
        "households": counting.households(data, model, **options),
        "share": counting.one_person_share(data, model, aggregate=REGION, **options),
        "size": counting.average_household_size(data, model, aggregate=REGION, **options)})
    note = ("The scenario has no [households] section: the households are counted here with "
            f"the census shares of the household model {model.attrs.get('model')} held "
            "constant (projsim.analysis.households). Sources: "
            f"{counting.household_credit(model, 'constant')}.")
    return counted, note


def _households_tables(data: xr.Dataset, counted: xr.Dataset, note: str,
                       years: list[int]) -> str:
    """The households by type and by region on 1 January, their size and one-person share."""
    counts = counted.households
    national = counts.sum(REGION)
    header = [str(y) for y in years]
    rows = [(plots.HOUSEHOLD_LABELS[str(kind)].capitalize(),
             _series(national.sel(household_type=kind), years, 0))
            for kind in national["household_type"].values]
    rows.append(("Total", _series(national.sum("household_type"), years, 0)))
    if "size" in counted:
        rows.append(("Persons per private household", _series(counted["size"], years, 2)))
    rows.append(("One-person households [%]", _series(counted["share"], years, 1)))
    if "draw" in counts.dims:
        note += " Medians over the draws."
    if plots.is_draws_summary(data):
        note += " The households of the mean population of the draws."
    area = plots.area_name(data)
    by_type = _table(f"Private households on 1 January by type, {area} [households]", header,
                     rows, note
                     + " One reference person per household; residents of institutions (care "
                     "homes) are counted apart, in no private household.")
    by_region = _table("Private households on 1 January by region [households]", header,
                       [(str(region), _series(counts.sel({REGION: region}).sum("household_type"),
                                              years, 0)) for region in counts[REGION].values])
    return by_type + by_region


def report_html(dataset: xr.Dataset, *, years: Sequence[int] | None = None,
                figures: bool = True,
                household_model: str | None = DEFAULT_HOUSEHOLD_MODEL) -> str:
    """Write a result as one self-contained HTML page.

    Parameters
    ----------
    dataset : xarray.Dataset
        A result of :func:`projsim.project` or read by
        :func:`projsim.io.read_netcdf`.
    years : sequence of int, optional
        The years of the tables; by default the base year, every tenth year
        and the horizon.
    figures : bool, default True
        Draw the figures; without them the page is a few kilobytes of tables.
    household_model : str or None, default "households_belgium"
        The household model (a shipped name or a folder) that counts the
        households of a result that stores none, with the census shares held
        constant, when it covers the result's regions; None leaves them out.
        The households a result stores (a scenario with a ``[households]``
        section) are always reported.

    Returns
    -------
    str
        The HTML document: the scenario, its assumptions, tables (population
        by region, components of change, fertility, life expectancy,
        dependency ratio and median age, the scenarios compared, private
        households) and figures as base64 PNG images.

    Examples
    --------
    >>> import projsim
    >>> page = report_html(projsim.project("belgium-2012"), years=[2012, 2061])
    >>> page.startswith("<!DOCTYPE html>"), "<table>" in page, 'src="http' in page
    (True, True, False)
    """
    years = default_years(dataset) if years is None else [int(y) for y in years]
    for year in years:
        plots.check_label(dataset, "time", year, "argument 'years'")
    first, last = int(dataset.time[0]), int(dataset.time[-1])
    scenarios = _scenario_names(dataset)
    name = scenarios[0]
    reference = _scenario(dataset, name)
    states = ", ".join(f"{dim} ({', '.join(str(label) for label in dataset[dim].values)})"
                       for dim in state_dims(dataset))
    description = dataset.attrs.get("scenario_description", "")
    words = _words(dataset)
    date, step = words["date"], words["step"]
    parts = [
        f"<h1>Population projection: {_e(dataset.attrs.get('scenario', name))}</h1>",
        f'<p class="lead">{_e(description)}</p>' if description else "",
        f"<p>The population on {date} {first}, by {_e(states)}, sex and {words['ages']}, "
        f"is projected {words['by']} to {date} {last} with the "
        f"cohort-component method: each {step} the survivors of each cohort "
        f"{words['ageing']}, births enter at age 0, and migrants are added or removed.</p>",
    ]
    if len(scenarios) > 1:
        items = "".join(f"<li>{_e(s)}</li>" for s in scenarios)
        parts.append(f"<p>The result holds {len(scenarios)} scenarios:</p><ul>{items}</ul>"
                     f"<p>The tables and figures of one scenario show the first, "
                     f"<strong>{_e(name)}</strong>.</p>")
    summaries = plots.is_draws_summary(dataset)
    if "draw" in dataset.dims:
        parts.append(f"<p>The result holds {dataset.sizes['draw']:,} stochastic draws: the "
                     "tables and figures show their median, and the fan chart their "
                     "spread.</p>")
    if summaries:
        parts.append(f"<p>The result holds the summaries of "
                     f"{int(dataset.attrs.get('draws', 0)):,} stochastic draws: quantiles of "
                     "the totals and the mean population of each cell. The tables give the "
                     "medians and the quantiles, the pyramid the mean, the fan chart the "
                     "spread.</p>")
    parts.append(f'<p class="note">{_e(plots.credit_text(dataset))}</p>')
    missing = [] if summaries else [name for part in _NEEDS for name in _NEEDS[part]
                                    if name not in dataset]
    if missing:
        parts.append(f"<p>The result does not hold {_e(', '.join(dict.fromkeys(missing)))}: "
                     "the tables and figures that need them are left out.</p>")
    parts += ["<h2>Assumptions</h2>", _assumptions(dataset), _provenance(dataset),
              "<h2>Key figures</h2>", _population_table(reference, years)]
    if summaries:
        parts.append(_quantiles_table(reference, years))
    if _has(dataset, "components") and not summaries:
        flow_years = list(dict.fromkeys(min(y, int(dataset.time[-2])) for y in years))
        parts.append(_components_table(reference, flow_years))
    if not summaries:
        parts.append(_indicators_table(reference, years))
    if len(scenarios) > 1:
        parts.append(_scenarios_table(dataset))
    model = None
    if household_model is not None and "households" not in reference:
        model = read_household_model(household_model)
    counted, household_note = _household_counts(reference, model)
    if counted is not None:
        parts += ["<h2>Households</h2>", _households_tables(reference, counted, household_note,
                                                             years)]
    elif household_note:
        parts += ["<h2>Households</h2>", f'<p class="note">{_e(household_note)}</p>']
    plan = [
        ("pyramid", "Population pyramid",
         f"Persons by {words['ages']} on {date} {last} (bars, thousands; men left, "
         f"women right), with {first} as an outline. The top bar is the open age group.",
         {"year": last, "compare_year": first}),
        ("pyramid", "Population pyramids by region",
         f"The same for each region, {last} against {first}.",
         {"year": last, "compare_year": first, "by_region": True}),
        *([("pyramid", "Population pyramids by nationality",
            f"The same for each nationality, {last} against {first}.",
            {"year": last, "compare_year": first, "by": NATIONALITY})]
          if NATIONALITY in dataset.dims else []),
        ("totals", "Total population",
         f"Population on {date} in thousands, {plots.area_name(dataset)}, one line per "
         "scenario.", {}),
        ("components", "Components of change",
         "Births, deaths (below zero) and international net migration in each "
         f"{step}{'' if step == 'year' else ', per year'}, in "
         "thousands; the line is their sum, the change in population.", {}),
        ("tfr", "Fertility", "The total fertility rate assumed: the number of children a "
         "woman would have with the fertility rates of that year.", {}),
        ("e0", "Life expectancy", "Life expectancy at birth assumed: the mean length of life "
         "with the death rates of that year.", {}),
        ("dependency", "Old-age dependency ratio",
         f"Persons of pension age per 100 persons of working age, on {date}.", {}),
    ]
    if counted is not None:
        plan.append(("households", "Private households",
                     "Private households on 1 January by type (stacked, thousands) and their "
                     "total: one reference person per household.",
                     {} if model is None else {"model": model}))
    if figures:
        parts.append("<h2>Figures</h2>")
        parts += [_figure(dataset, kind, title, text, **options)
                  for kind, title, text, options in plan if _has(dataset, kind)
                  and (not summaries or kind in plots.SUMMARY_KINDS)]
    if figures and ("draw" in dataset.dims or summaries):
        parts.append(_figure(dataset, "fan", "Uncertainty of the total population",
                             "Median of the draws (line) with the ranges that hold 50% and "
                             "80% of them."))
    flows_period = ("the year from 1 January to 31 December"
                    if (step, date) == ("year", "1 January")
                    else f"the {step} from {date} of their date on; flows are per year")
    parts += ["<h2>How to read these figures</h2>",
              "<ul><li>Stocks (the population, the dependency ratio, the median age) are "
              f"counted on {date}.</li>"
              f"<li>Flows (births, deaths, migration) and the assumed rates refer to "
              f"{flows_period}; the last date of the projection has no {step} "
              "after it.</li>"
              "<li>All regions together, a rate is the mean of the regions' rates weighted by "
              "their population of that age (person-years lived in the year).</li>"
              "<li>Numbers of persons are rounded in the tables only; totals add the unrounded "
              "numbers.</li></ul>"]
    title = _e(f"Population projection: {dataset.attrs.get('scenario', name)}")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{title}</title><style>{_CSS}</style></head><body>\n"
            + "\n".join(p for p in parts if p) + "\n</body></html>\n")


def write_report(dataset: xr.Dataset, path: str | Path, **options) -> None:
    """Write :func:`report_html` of a result to a UTF-8 file, atomically
    (:func:`projsim.io.results.write_output`)."""
    from projsim.io.results import write_output

    write_output(path, report_html(dataset, **options).encode("utf-8"))
