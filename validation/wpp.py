"""Compare projsim's abridged life tables and a 5x5 projection with WPP 2024 for Belgium.

Run from the repository root::

    python validation/wpp.py

It prints three things (``validation/README.md``, section "WPP 2024, Belgium,
five-year groups", gives the last run's figures and reads them):

1. **Life expectancy from abridged rates.** For every five-year period
   1950-2100 and both sexes, e0 of the abridged life table of WPP 2024's own
   death rates (``data-raw/wpp2024``) under each separation rule
   (:mod:`projsim.demography.separation`), minus the e0 WPP publishes; the
   aim is 0.02 years.
2. **The bundled 5x5 scenario.** ``projsim.project("wpp2024-belgium-5x5")``:
   Belgium from WPP's population of 1 July 2020, in sixteen five-year steps
   to 1 July 2100, with WPP's rates of every period (``table = "base"``:
   abridged death rates, fertility TFR x PASFR / 100 / 5, the sex ratio at
   birth and net migrants by age under the UN's 'even' timing) and the open
   group 100+ split at its constant force to 130+ (``open_age = 130``). The
   result is compared with WPP's medium-variant population of 1 July 2025
   ... 2100: WPP's periods run from 1 July to 1 July, so the projection
   starts on 1 July 2020 and its stocks fall on WPP's dates; no shift
   between 1 January and 1 July is needed. Errors: the total at 2030, 2050,
   2075 and 2100, and the largest error of any sex and age group in 0-89,
   90-99 and 100+ (aims: 0.25 %, 3 %, 3.5 % and 8 %). Two sensitivities: the
   same scenario with WPP's open group kept (``open_age = 100``, the open
   group entered by T(100)/T(95)), and, at kernel level
   (``projsim.engine.project(..., width=5)``), the separation rules the
   scenario language does not choose (half the width, a constant force).
3. **Graduation.** The Belgian population of 1 January 2012 (the embedded
   base, summed over its state dimensions), grouped into 0-4, ..., 95-99, 100+
   and graduated back to single years (:mod:`projsim.demography.graduation`).

The script measures; it never fails on a miss (its exit code is 0 unless it
crashes).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

import projsim
from projsim.demography.graduation import graduate_counts, group_counts
from projsim.demography.lifetable import life_expectancy_at_birth
from projsim.demography.survival import survival_ratios_from_rates
from projsim.engine import Rates, project
from projsim.io import load_base, load_scenario
from projsim.io.packaged import data_folder
from projsim.io.wpp import load_wpp, read_wpp_indicators, read_wpp_mortality, read_wpp_population
from projsim.types import SEXES

RAW = Path(__file__).resolve().parents[1] / "data-raw" / "wpp2024"
#: The rules compared: (separation, infant).
RULES = (("greville", "andreev-kingkade"), ("greville", "coale-demeny"),
         ("midpoint", "andreev-kingkade"), ("constant-force", "andreev-kingkade"))
#: The bundled scenario the issue's errors are measured on.
SCENARIO = "wpp2024-belgium-5x5"
YEARS = (2030, 2050, 2075, 2100)
#: Age bands of the comparison, by first age [years], and their aims.
BANDS = {"0-89": (0, 90, 0.03), "90-99": (90, 100, 0.035), "100+": (100, 101, 0.08)}
TOTAL_AIM = 0.0025


def e0_errors() -> tuple[np.ndarray, np.ndarray, dict]:
    """WPP's periods, its e0 (period, sex) and our e0 minus it by rule."""
    periods, ages, rates = read_wpp_mortality(RAW / "wpp2024_mx_abridged_5yr.csv")
    _, published = read_wpp_indicators(RAW / "wpp2024_tfr_srb_e0_netmig_5yr.csv", ["e0F", "e0M"])
    widths = np.append(np.diff(ages), np.inf)
    errors = {rule: life_expectancy_at_birth(rates, np.array(SEXES), age_width=widths,
                                             separation=rule[0], infant=rule[1]) - published
              for rule in RULES}
    return periods, published, errors


def project_scenario(open_age: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The bundled scenario's projection: dates and population (date, sex, age) [persons],
    the groups from WPP's open age 100 summed into 100+. With ``open_age``, a
    scenario that extends the bundled one and states that open age (100 keeps
    WPP's open group, entered by the pooled ratio T(100)/T(95))."""
    if open_age is None:
        result = projsim.project(SCENARIO)
    else:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "open-age.toml"
            path.write_text(f'name = "{SCENARIO}-{open_age}"\nextends = "{SCENARIO}"\n'
                            f"open_age = {open_age}\n")
            result = projsim.project(load_scenario(path))
    stocks = result.population.sum("region").transpose("time", "sex", "age")
    return result.time.values, _to_wpp_groups(stocks.values, result.age.values)


def _to_wpp_groups(stocks: np.ndarray, ages: np.ndarray, wpp_open: int = 100) -> np.ndarray:
    """Stocks (..., age) with the groups from WPP's open age summed into its open group."""
    cut = int(np.searchsorted(ages, wpp_open))
    return np.concatenate([stocks[..., :cut], stocks[..., cut:].sum(-1, keepdims=True)], -1)


def project_wpp(separation: str, infant: str = "andreev-kingkade") -> tuple[np.ndarray, np.ndarray]:
    """A kernel-level 5x5 projection from 1 July 2020 under another separation rule
    (the scenario language uses Greville's): dates and population (date, sex,
    age) [persons], WPP's open group 100+ entered by T(100)/T(95)."""
    inputs = load_wpp("wpp2024-belgium")
    survival = survival_ratios_from_rates(inputs.mortality_rate, np.array(SEXES), step_width=5,
                                          age_width=inputs.mortality_widths, separation=separation,
                                          infant=infant)
    step = inputs.age_width
    # the kernel's axes: (time, batch, state, sex, age); migrants per step
    rates = Rates(survival=survival[:, None, None], fertility_rate=inputs.fertility_rate[:, None, None],
                  sex_ratio_at_birth=inputs.sex_ratio_at_birth[:, None, None],
                  net_migration=step * inputs.net_migration[:, None, None])
    stocks = project(inputs.population[None, None], rates, width=step, timing="even").population[:, 0, 0]
    return np.append(inputs.periods, inputs.periods[-1] + step), stocks


def errors_against_wpp(dates: np.ndarray, projected: np.ndarray):
    """Relative errors against WPP's medium variant: dates, ages, (date, sex, age), totals."""
    years, ages, published = read_wpp_population(data_folder("wpp2024_belgium") / "population.csv")
    assert np.array_equal(years, dates)
    totals = projected.sum(axis=(1, 2)) / published.sum(axis=(1, 2)) - 1
    return dates, ages, projected / published - 1, totals


def graduation_errors() -> dict[str, tuple[float, float]]:
    """Largest and mean relative error by age band of the 2012 population graduated from 5-year groups."""
    population = load_base("belgium-2012").population
    national = population.reshape(-1, *population.shape[-2:]).sum(axis=0)
    national = np.concatenate([national[:, :100], national[:, 100:].sum(-1, keepdims=True)], axis=-1)
    single = graduate_counts(group_counts(national, 5), 5)
    error = np.abs(single / national - 1)
    bands = {"0-59": (0, 60), "60-89": (60, 90), "0-89": (0, 90), "90-99": (90, 100)}
    report = {band: (error[:, a:b].max(), error[:, a:b].mean()) for band, (a, b) in bands.items()}
    report["dissimilarity"] = ((0.5 * np.abs(single - national).sum(-1) / national.sum(-1)).max(), np.nan)
    return report


#: Short names of the rules in the printed tables.
SHORT = {("greville", "andreev-kingkade"): "G/AK", ("greville", "coale-demeny"): "G/CD",
         ("midpoint", "andreev-kingkade"): "mid/AK", ("constant-force", "andreev-kingkade"): "CF/AK"}


def print_e0() -> None:
    periods, published, errors = e0_errors()
    print("1. e0 of WPP 2024's abridged death rates minus WPP's published e0 [years], Belgium")
    print("   G = Greville from 15, mid = n/2, CF = constant force; AK = 1a0 of Andreev-Kingkade, "
          "CD = of Coale-Demeny\n")
    print(f"{'period':<10} {'WPP F':>8} {'WPP M':>8}" + "".join(f"{SHORT[r] + ' ' + x:>10}" for r in RULES
                                                          for x in ("F", "M")))
    for t, period in enumerate(periods):
        cells = "".join(f"{errors[r][t, s]:>+10.4f}" for r in RULES for s in range(2))
        print(f"{period}-{period + 5} {published[t, 0]:>8.4f} {published[t, 1]:>8.4f}{cells}")
    print("\nworst |error| by rule (30 periods 1950-2100, both sexes; aim 0.02 years):")
    for rule in RULES:
        worst = np.abs(errors[rule]).max(axis=0)
        print(f"  {SHORT[rule]:<7} female {worst[0]:.5f}  male {worst[1]:.5f}  "
              f"(errors from {errors[rule].min():+.5f} to {errors[rule].max():+.5f})")


def print_errors(label, dates, ages, errors, totals) -> None:
    """One table: the total and the largest error by age band at the issue's dates and over all."""
    print(label)
    print(f"  {'year':<5} {'total':>8}" + "".join(f"{'|' + band + '|':>9}" for band in BANDS) + "   worst cell")
    rows = [(str(year), [list(dates).index(year)]) for year in YEARS] + [("all", range(1, dates.size))]
    for name, dated in rows:
        block = np.abs(errors[list(dated)])
        cells = ""
        for first, last, aim in BANDS.values():
            largest = block[..., (ages >= first) & (ages < last)].max()
            cells += f"{largest:>8.2%}" + ("*" if largest > aim else " ")
        total = totals[dated[0]] if name != "all" else np.abs(totals[1:]).max()
        where = np.unravel_index(block.argmax(), block.shape)
        age = f"{ages[where[2]]}{'+' if where[2] == ages.size - 1 else ''}"
        print(f"  {name:<5} {total:>+8.3%}{'*' if abs(total) > TOTAL_AIM else ' '}{cells}  "
              f"{SEXES[where[1]]} {age} in {dates[list(dated)[where[0]]]}")


def print_projection() -> None:
    print(f"\n2. The bundled scenario {SCENARIO} against WPP 2024's medium variant (1 July stocks)")
    print("   largest |relative error| of any sex and age group in each band; * above the aim (total 0.25 %,"
          " 0-89 3 %, 90-99 3.5 %, 100+ 8 %); 'all' = every date 2025-2100 (the total: its largest |error|)\n")
    scenario = errors_against_wpp(*project_scenario())
    print_errors(f"projsim.project('{SCENARIO}'): abridged tables by Greville's rule, the open group 100+ split "
                 "at its constant force to 130+ (open_age = 130)", *scenario)
    pooled = errors_against_wpp(*project_scenario(100))
    print_errors("sensitivity: the same scenario with WPP's open group 100+ entered by T(100)/T(95) "
                 "(open_age = 100)", *pooled)
    for separation in ("midpoint", "constant-force"):
        print_errors(f"sensitivity at kernel level: survival by the {separation} rule (1a0 Andreev-Kingkade), "
                     "open group 100+ by T(100)/T(95)", *errors_against_wpp(*project_wpp(separation)))
    print("\n  100+ [%], 2025 ... 2100:")
    for label, (_, _, errors, _) in (("split", scenario), ("pooled", pooled)):
        for s, sex in enumerate(SEXES):
            print(f"    {label:<6} {sex:<6} " + " ".join(f"{v:+5.1f}" for v in 100 * errors[1:, s, -1]))


def print_graduation() -> None:
    print("\n3. Belgian population of 1 January 2012 grouped into 0-4, ..., 95-99, 100+ and graduated back\n")
    for band, (largest, mean) in graduation_errors().items():
        if band == "dissimilarity":
            print(f"  half the sum of |errors| over the population: {largest:.2%} (largest of the two sexes)")
        else:
            print(f"  ages {band:<6} largest |error| {largest:6.2%}   mean {mean:6.2%}")


def main() -> int:
    print_e0()
    print_projection()
    print_graduation()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
