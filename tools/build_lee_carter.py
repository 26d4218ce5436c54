"""Estimate the Lee-Carter model of Belgian mortality shipped in ``src/projsim/data/lee_carter_belgium/``.

Run from the repository root::

    python tools/build_lee_carter.py              # writes src/projsim/data/lee_carter_belgium/
    python tools/build_lee_carter.py --out DIR    # writes DIR/lee_carter_belgium/

The script reads only ``data-raw/belgium/`` (``SOURCES.md`` there gives the
provenance and licence of the two HMD files it uses), estimates
:math:`\\ln m(x, t) = a(x) + b(x) k(t)` by sex with the singular value
decomposition of Lee and Carter (1992), measures the fit against the HMD life
expectancies, prints the check values, and writes ``lee_carter.csv``,
``k.csv``, ``model.toml`` and ``README.md``. The README is generated here so
that the figures it quotes are those of the shipped files.

Output is deterministic: rows are sorted by their keys and numbers are
written with ``%.10g``. ``tests/test_mortality.py`` rebuilds into a temporary
directory and compares the files byte for byte. A check that fails raises
:class:`BuildError` with the measured and the expected value.

Reference: Lee, R. D. and Carter, L. R. (1992). Modeling and forecasting U.S.
mortality. *Journal of the American Statistical Association* 87(419): 659-671.
https://doi.org/10.1080/01621459.1992.10475265
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Run as a file or loaded by path (tests/test_mortality.py), so tools/ may not be on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from buildlib import (  # noqa: E402
    RAW_DIR, REPO_ROOT, BuildError, format_value, markdown_table, read_rows, run, toml_array, toml_string,
    write_csv,
)

DATA_SET = "lee_carter_belgium"

# Use this checkout's projsim, whether or not a copy is installed.
sys.path.insert(0, str(REPO_ROOT / "src"))
from projsim.demography.lifetable import kannisto_extend, life_expectancy_at_birth  # noqa: E402
from projsim.demography.mortality import mortality_index_for_e0  # noqa: E402
from projsim.types import SEXES  # noqa: E402

RATES_FILE = "hmd_mx_1x1_1970_2011.csv"
E0_FILE = "hmd_lifetables_period_age0_1970_2011.csv"
#: Raw sex codes in the order of ``SEXES``.
SEX_CODES = tuple({"female": "F", "male": "M"}[sex] for sex in SEXES)

YEARS = tuple(range(1970, 2012))
OPEN_AGE = 110
N_AGES = OPEN_AGE + 1
#: The singular value decomposition uses the observed rates of ages 0..SVD_LAST_AGE;
#: older ages take a Kannisto curve fitted to KANNISTO_FIT, as in the belgium_2012_regions base.
SVD_LAST_AGE = 94
KANNISTO_FIT = (80, 94)

#: Largest accepted gap [years] between HMD's e0 and the e0 of the observed
#: rates closed with the Kannisto curve (HMD rounds e0 to 0.01 and smooths
#: its own tables above age 80).
CLOSURE_E0_TOLERANCE = 0.05
#: Largest accepted e0 error [years] of the fitted a + b k in any year.
FIT_E0_TOLERANCE = 1.0
#: Largest accepted |sum k| after normalisation.
SUM_K_TOLERANCE = 1e-8


# --------------------------------------------------------------------------
# Reading


def read_raw(name: str) -> list[dict[str, str]]:
    """Rows of ``data-raw/belgium/<name>`` as dictionaries of strings."""
    return read_rows(RAW_DIR / name)


def by_sex_year(name: str, value: str, ages: Sequence[int]) -> np.ndarray:
    """``value`` of ``name`` on (sex, year, age); empty cells (HMD's ".") are NaN.

    Every (sex, year, age) must appear exactly once; other rows are ignored.
    """
    sexes = {code: i for i, code in enumerate(SEX_CODES)}
    years = {str(year): i for i, year in enumerate(YEARS)}
    age_index = {str(age): i for i, age in enumerate(ages)}
    out = np.full((len(SEX_CODES), len(YEARS), len(ages)), np.nan)
    seen = np.zeros(out.shape, dtype=bool)
    for row in read_raw(name):
        if row["sex"] not in sexes or row["year"] not in years or row["age"] not in age_index:
            continue
        cell = (sexes[row["sex"]], years[row["year"]], age_index[row["age"]])
        if seen[cell]:
            raise BuildError(f"{name}: duplicate row for sex {row['sex']}, year {row['year']}, age {row['age']}")
        seen[cell] = True
        out[cell] = float(row[value]) if row[value] != "" else np.nan
    if not seen.all():
        s, y, a = np.argwhere(~seen)[0]
        raise BuildError(f"{name}: no row for sex {SEX_CODES[s]}, year {YEARS[y]}, age {ages[a]}")
    return out


# --------------------------------------------------------------------------
# Estimation


@dataclass
class Estimate:
    mean_log_rate: np.ndarray  # a(x), (sex, age)
    age_pattern: np.ndarray  # b(x), (sex, age)
    mortality_index: np.ndarray  # k(t), (sex, year)
    explained: np.ndarray  # (sex,) share of the variance of ages 0..SVD_LAST_AGE of the first component
    floored_ages: dict[str, list[int]]  # ages above SVD_LAST_AGE whose regression slope was negative
    first_missing_age: int  # youngest age with an empty or zero HMD rate in some year and sex
    highest_old_rate: tuple[float, str, int, int]  # largest HMD rate above SVD_LAST_AGE: value, sex, year, age
    e0_hmd: np.ndarray  # (sex, year)
    e0_closed: np.ndarray  # (sex, year) e0 of the observed rates closed with Kannisto
    e0_fitted: np.ndarray  # (sex, year) e0 of exp(a + b k)
    index_for_hmd_e0: np.ndarray  # (sex, year) k that gives exp(a + b k) HMD's e0 (Lee-Miller)


def published_rates() -> np.ndarray:
    """HMD rates (sex, year, age 0..110), NaN where HMD has none."""
    return by_sex_year(RATES_FILE, "mx", range(N_AGES))


def closed_rates(published: np.ndarray) -> np.ndarray:
    """HMD rates (sex, year, age 0..110) with ages above SVD_LAST_AGE from a Kannisto curve."""
    observed = published[..., : SVD_LAST_AGE + 1]
    if not np.all(np.isfinite(observed) & (observed > 0)):
        s, y, a = np.argwhere(~(np.isfinite(observed) & (observed > 0)))[0]
        raise BuildError(
            f"{RATES_FILE}: {SEXES[s]} {YEARS[y]} age {a} has no positive rate; expected one up to age {SVD_LAST_AGE}"
        )
    return kannisto_extend(
        observed, np.arange(SVD_LAST_AGE + 1), fit_ages=KANNISTO_FIT, replace_from=SVD_LAST_AGE + 1, open_age=OPEN_AGE
    )


def lee_carter(log_rate: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, list[int]]:
    """a(x), b(x), k(t) of one sex from log rates (year, age), with sum b = 1 and sum k = 0.

    b(x) and k(t) are the first singular vectors of the centred log rates of
    ages 0..SVD_LAST_AGE. At older ages b(x) is the least-squares slope of the
    centred log rates on k(t), the value the decomposition would give those
    rows with k fixed, floored at 0. b is then rescaled to sum to 1 and k by
    the inverse factor.
    """
    mean_log_rate = log_rate.mean(axis=0)
    centred = log_rate - mean_log_rate
    fitted_ages = slice(0, SVD_LAST_AGE + 1)
    u, singular, vt = np.linalg.svd(centred[:, fitted_ages], full_matrices=False)
    index = u[:, 0] * singular[0]
    pattern_fit = vt[0]
    if pattern_fit.sum() < 0:
        index, pattern_fit = -index, -pattern_fit
    slope = centred[:, SVD_LAST_AGE + 1 :].T @ index / (index @ index)
    floored = [int(age) for age in SVD_LAST_AGE + 1 + np.flatnonzero(slope < 0)]
    pattern = np.concatenate([pattern_fit, np.maximum(slope, 0.0)])
    scale = pattern.sum()
    explained = float(singular[0] ** 2 / (singular**2).sum())
    return mean_log_rate, pattern / scale, index * scale, explained, floored


def estimate() -> Estimate:
    published = published_rates()
    rates = closed_rates(published)
    log_rate = np.log(rates)
    missing = ~(published > 0)  # NaN compares False
    old = np.where(np.arange(N_AGES) > SVD_LAST_AGE, np.nan_to_num(published), 0.0)
    s, t, age = np.unravel_index(int(np.argmax(old)), old.shape)
    parts = [lee_carter(log_rate[s]) for s in range(len(SEXES))]
    mean_log_rate, age_pattern, mortality_index = (np.stack([p[i] for p in parts]) for i in range(3))
    if np.abs(mortality_index.sum(axis=-1)).max() > SUM_K_TOLERANCE:
        raise BuildError(f"sum of k(t) is {mortality_index.sum(axis=-1)}, expected 0")

    sex = np.array(SEXES)[:, None]
    e0_hmd = by_sex_year(E0_FILE, "ex", [0])[..., 0]
    e0_closed = life_expectancy_at_birth(rates, sex)
    gap = np.abs(e0_closed - e0_hmd).max()
    if gap > CLOSURE_E0_TOLERANCE:
        raise BuildError(f"e0 of the HMD rates closed at {SVD_LAST_AGE + 1}+ differs from HMD's e0 by {gap:.4f} "
                         f"years, expected at most {CLOSURE_E0_TOLERANCE}")
    fitted = np.exp(mean_log_rate[:, None, :] + age_pattern[:, None, :] * mortality_index[..., None])
    e0_fitted = life_expectancy_at_birth(fitted, sex)
    error = np.abs(e0_fitted - e0_hmd).max()
    if error > FIT_E0_TOLERANCE:
        raise BuildError(f"the fitted e0 misses HMD's by {error:.3f} years, expected at most {FIT_E0_TOLERANCE}")
    index_for_hmd_e0 = mortality_index_for_e0(
        np.exp(mean_log_rate)[:, None, :], age_pattern[:, None, :], e0_hmd, sex, tolerance=1e-8
    )
    return Estimate(
        mean_log_rate=mean_log_rate,
        age_pattern=age_pattern,
        mortality_index=mortality_index,
        explained=np.array([p[3] for p in parts]),
        floored_ages={sex: p[4] for sex, p in zip(SEXES, parts)},
        first_missing_age=int(np.flatnonzero(missing.any(axis=(0, 1)))[0]),
        highest_old_rate=(float(old[s, t, age]), SEXES[s], YEARS[t], int(age)),
        e0_hmd=e0_hmd,
        e0_closed=e0_closed,
        e0_fitted=e0_fitted,
        index_for_hmd_e0=index_for_hmd_e0,
    )


# --------------------------------------------------------------------------
# Writing


def model_toml(fit: Estimate) -> str:
    methods = {
        "rates": f"HMD Mx_1x1 of Belgium {YEARS[0]}-{YEARS[-1]} by sex, ages 0-{SVD_LAST_AGE} as published; ages "
        f"{SVD_LAST_AGE + 1}-109 and 110+ from a Kannisto curve fitted to ages {KANNISTO_FIT[0]}-{KANNISTO_FIT[1]} "
        "of each year and sex (projsim.demography.kannisto_extend).",
        "ax": "Mean over the years of ln m(x, t).",
        "bx": f"First right singular vector of the centred ln m of ages 0-{SVD_LAST_AGE} (unweighted SVD, Lee and "
        f"Carter 1992); ages {SVD_LAST_AGE + 1}-110 the least-squares slope of the centred ln m on k(t), floored "
        "at 0; rescaled to sum to 1.",
        "kt": "First left singular vector times the first singular value, rescaled inversely to bx; sums to 0. "
        "First-stage estimate: no second-stage (Lee-Miller) refit to e0.",
    }
    lines = [
        "# projsim embedded model: Lee-Carter ln m(x, t) = a(x) + b(x) k(t) of Belgian mortality.",
        "# Generated by tools/build_lee_carter.py from data-raw/belgium/; do not edit by hand.",
        "# Files, method, fit and licence: README.md in this folder. (Named model.toml, not meta.toml:",
        "# a meta.toml marks the folders of base populations, see projsim.base.list_bases.)",
        'name = "lee_carter_belgium"',
        f"sexes = {toml_array(SEXES)}",
        "",
        "[years]",
        f"first = {YEARS[0]}",
        f"last = {YEARS[-1]}",
        "",
        "[ages]",
        "first = 0",
        f"last = {OPEN_AGE}",
        f"open_age = {OPEN_AGE}",
        f"svd_last_age = {SVD_LAST_AGE}",
        f"kannisto_fit = [{KANNISTO_FIT[0]}, {KANNISTO_FIT[1]}]",
        "",
        "[files]",
        'lee_carter = "lee_carter.csv"',
        'mortality_index = "k.csv"',
        "",
        "[normalisation]",
        'sum_bx = "1 over ages 0-110, by sex"',
        'sum_kt = "0 over the years, by sex"',
        "",
        "[units]",
        'ax = "log of deaths per person-year"',
        'bx = "dimensionless"',
        'kt = "dimensionless"',
        "",
        "[fit]",
        "max_abs_e0_error = [" + ", ".join(format_value(v) for v in np.abs(fit.e0_fitted - fit.e0_hmd).max(1)) + "]",
        "variance_explained = [" + ", ".join(format_value(v) for v in fit.explained) + "]",
        "",
        "[sources]",
        'hmd = "Human Mortality Database, UC Berkeley and MPIDR, www.mortality.org (25 Sep 2021 version): Mx_1x1 '
        'and period life tables of Belgium; CC BY 4.0"',
        'provenance = "data-raw/belgium/SOURCES.md"',
        "",
        "[method]",
        *(f"{key} = {toml_string(text)}" for key, text in methods.items()),
        "",
    ]
    return "\n".join(lines)


def readme(fit: Estimate) -> str:
    error = fit.e0_fitted - fit.e0_hmd
    closure = np.abs(fit.e0_closed - fit.e0_hmd).max()
    k_gap = np.abs(fit.index_for_hmd_e0 - fit.mortality_index)
    shown_ages = [0, 1, 5, 10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 85, 90, 95, 100, 105, 110]
    pattern_rows = [
        [str(age)]
        + [f"{fit.mean_log_rate[s, age]:.3f}" for s in range(len(SEXES))]
        + [f"{fit.age_pattern[s, age]:.5f}" for s in range(len(SEXES))]
        for age in shown_ages
    ]
    year_rows = [
        [str(year)]
        + [cell for s in range(len(SEXES)) for cell in (
            f"{fit.e0_hmd[s, t]:.2f}", f"{fit.e0_fitted[s, t]:.2f}", f"{error[s, t]:+.2f}",
            f"{fit.mortality_index[s, t]:.2f}", f"{fit.index_for_hmd_e0[s, t]:.2f}")]
        for t, year in enumerate(YEARS)
    ]
    floored = "; ".join(f"{sex} {', '.join(map(str, ages)) or 'none'}" for sex, ages in fit.floored_ages.items())
    rms = np.sqrt((error**2).mean(axis=1))
    negative = [f"{sex} {np.flatnonzero(b < 0).tolist()}" for sex, b in zip(SEXES, fit.age_pattern) if (b < 0).any()]
    sign = "negative at ages " + "; ".join(negative) if negative else "positive or zero at every age"
    rate, rate_sex, rate_year, rate_age = fit.highest_old_rate
    f, m = 0, 1
    return f"""# Lee-Carter model of Belgian mortality, {YEARS[0]}-{YEARS[-1]}

The age pattern of mortality change along which projsim's mortality scenarios move log death rates
(`projsim.mortality`). Every file is **generated** by `tools/build_lee_carter.py` from the raw copies in
`data-raw/belgium/` (provenance: `data-raw/belgium/SOURCES.md`); do not edit them by hand.
`tests/test_mortality.py` checks that the shipped files equal a rebuild.

## Files

| file | columns | unit |
|---|---|---|
| `lee_carter.csv` | sex, age, ax, bx | `ax` log of deaths per person-year; `bx` dimensionless |
| `k.csv` | sex, year, kt | dimensionless |
| `model.toml` | years, ages, normalisation, units, fit, sources, method | |

`sex` is `female` or `male`; `age` runs over 0..{OPEN_AGE}, where **{OPEN_AGE} is the open group {OPEN_AGE}+**; `year`
over {YEARS[0]}..{YEARS[-1]}. Numbers have up to 10 significant digits. The metadata file is called `model.toml`,
not `meta.toml`, because `projsim.base.list_bases` takes every data folder with a `meta.toml` for a base
population.

## Model and estimation

ln m(x, t) = a(x) + b(x) k(t) + error, by sex (Lee and Carter 1992), with m(x, t) the HMD central death rate
(`Mx_1x1`) of Belgium at single age x in year t, {YEARS[0]}-{YEARS[-1]} ({len(YEARS)} years).

1. **Oldest ages.** HMD has empty or zero rates from age {fit.first_missing_age} on in some years, and its rates
   above 95 rest on few deaths (the highest is {rate:.3f}, {rate_sex} {rate_year} at age {rate_age}). The
   observed rates are used at ages 0..{SVD_LAST_AGE}, every one of them positive. Ages {SVD_LAST_AGE + 1}..109 and
   110+ take the Kannisto curve fitted to ages {KANNISTO_FIT[0]}-{KANNISTO_FIT[1]} of the same year and sex
   (`projsim.demography.kannisto_extend`; the 110+ rate is 1 / e(110) of the curve), the rule of the
   `belgium_2012_regions` base rates. The e0 of these closed rates differs from HMD's published e0 by at most
   {closure:.3f} years in any year (HMD rounds e0 to 0.01 and smooths its own tables above age 80).
2. **a(x)** is the mean over the years of ln m(x, t), at every age 0..{OPEN_AGE}.
3. **b(x) and k(t)** come from the singular value decomposition of the matrix ln m(x, t) - a(x), years by
   ages 0..{SVD_LAST_AGE}, unweighted, as in Lee and Carter (1992): b is the first right singular vector and k
   the first left singular vector times the first singular value. The first component explains
   {100 * fit.explained[f]:.1f}% (female) and {100 * fit.explained[m]:.1f}% (male) of the sum of squares.
4. **b(x) at ages {SVD_LAST_AGE + 1}..{OPEN_AGE}** is the least-squares slope, through the origin, of the centred
   log rates of the Kannisto-closed schedules on k(t): the value the decomposition gives those rows when k
   is held fixed, so the old-age rows do not change k. Where the slope is negative, b is set to 0 (ages:
   {floored}). Negative slopes there come from the fitted Kannisto curves steepening over the period, so
   that their extrapolation to the oldest ages rose: an artefact of extrapolating beyond the data, not a
   trend to project. The other values of b are not smoothed; b is noisy at ages 1-20, where deaths are few.
5. **Normalisation.** b is rescaled to sum to 1 over ages 0..{OPEN_AGE} and k by the inverse factor, which
   leaves a + b k unchanged; k sums to 0 over the years because the matrix is centred. b(x) is {sign}.
6. **k(t)** in `k.csv` is the first-stage estimate of the decomposition; no second stage is applied. Lee and
   Carter re-estimate k(t) to match the observed number of deaths, Lee and Miller (2001) to match the
   observed e0. Projections use only **b(x)**: the index of each projected year is solved so that the
   scenario's e0 is hit (`projsim.mortality.shift_to_e0`), which is the Lee-Miller second stage applied
   to the future. The column "k for HMD e0" below applies it to the past: the k that gives exp(a + b k)
   exactly HMD's e0. It differs from the decomposition's k by at most {k_gap[f].max():.2f} (female) and
   {k_gap[m].max():.2f} (male), over a range of k of {np.ptp(fit.mortality_index[f]):.1f} and
   {np.ptp(fit.mortality_index[m]):.1f}.

Life expectancies are computed with `projsim.demography.life_expectancy_at_birth` (HMD conventions; the
110+ group lives 1/m years).

## Fit

e0 [years] of the fitted rates exp(a(x) + b(x) k(t)) against HMD's published e0. Largest absolute error:
**{np.abs(error[f]).max():.2f}** (female) and **{np.abs(error[m]).max():.2f}** (male); root mean square:
{rms[f]:.2f} and {rms[m]:.2f}; mean error: {error[f].mean():+.3f} and {error[m].mean():+.3f}. The first stage
minimises squared errors in log rates, every age weighing the same, not errors in e0.

{markdown_table(["year", "F e0 HMD", "F e0 fitted", "F error", "F k", "F k for HMD e0",
                 "M e0 HMD", "M e0 fitted", "M error", "M k", "M k for HMD e0"], year_rows)}

## a(x) and b(x) at selected ages

{markdown_table(["age", "a female", "a male", "b female", "b male"], pattern_rows)}

## Sources and licences

* Human Mortality Database. University of California, Berkeley (USA), and Max Planck Institute for Demographic
  Research (Germany). www.mortality.org. Version of 25 Sep 2021 (Methods Protocol v6), files `Mx_1x1.txt`,
  `fltper_1x1.txt` and `mltper_1x1.txt` of Belgium, as copied to `data-raw/belgium/hmd_mx_1x1_1970_2011.csv`
  and `hmd_lifetables_period_age0_1970_2011.csv`. That copy was obtained under the HMD user agreement of the
  time; HMD data are now distributed under CC BY 4.0 as far as is known. **Verify the terms before
  redistributing.**
* Lee, R. D. and Carter, L. R. (1992). Modeling and forecasting U.S. mortality. *Journal of the American
  Statistical Association* 87(419): 659-671. https://doi.org/10.1080/01621459.1992.10475265
* Lee, R. and Miller, T. (2001). Evaluating the performance of the Lee-Carter method for forecasting
  mortality. *Demography* 38(4): 537-549. https://doi.org/10.1353/dem.2001.0036
* Thatcher, A. R., Kannisto, V. and Vaupel, J. W. (1998). *The force of mortality at ages 80 to 120*. Odense
  University Press.
"""


def build(out_dir: Path) -> list[str]:
    """Estimate, check and write the model; return the printed report."""
    fit = estimate()
    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(
        out_dir / "lee_carter.csv",
        ["sex", "age", "ax", "bx"],
        [
            (sex, age, fit.mean_log_rate[s, age], fit.age_pattern[s, age])
            for s, sex in enumerate(SEXES)
            for age in range(N_AGES)
        ],
    )
    write_csv(
        out_dir / "k.csv",
        ["sex", "year", "kt"],
        [(sex, year, fit.mortality_index[s, t]) for s, sex in enumerate(SEXES) for t, year in enumerate(YEARS)],
    )
    (out_dir / "model.toml").write_text(model_toml(fit), encoding="utf-8")
    (out_dir / "README.md").write_text(readme(fit), encoding="utf-8")
    error = np.abs(fit.e0_fitted - fit.e0_hmd)
    return [
        f"{DATA_SET} -> {out_dir}",
        "  variance explained: " + ", ".join(f"{sex} {v:.3f}" for sex, v in zip(SEXES, fit.explained)),
        "  largest |e0 fitted - HMD|: " + ", ".join(f"{sex} {v:.3f}" for sex, v in zip(SEXES, error.max(1))),
        "  k(t) first and last year: "
        + ", ".join(f"{sex} {k[0]:.2f} -> {k[-1]:.2f}" for sex, k in zip(SEXES, fit.mortality_index)),
        "  b(x) floored at 0 above age " + f"{SVD_LAST_AGE}: "
        + "; ".join(f"{sex} {ages}" for sex, ages in fit.floored_ages.items()),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    return run(argv, __doc__.splitlines()[0], {DATA_SET: build})


if __name__ == "__main__":
    sys.exit(main())
