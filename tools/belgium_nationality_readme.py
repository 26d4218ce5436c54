"""The generated README of ``belgium_2012``: methods and the measured check values."""

from __future__ import annotations

import numpy as np

from belgium_common import (
    BASE_YEAR, BIRTHS_YEAR, KANNISTO_FIT_2012, KANNISTO_FROM_2012, MORTALITY_YEARS, NATIONALITIES, OPEN_AGE, REGIONS,
    SHORT_REGION, f1, f2, f3, licence_notes_2012,
)
from buildlib import markdown_table
import belgium_nationality as est
from belgium_nationality import BELGIAN, BRUSSELS, FLANDERS, FOREIGN, WALLONIA
from belgium_nationality_files import (
    BOOK_TOLERANCE, GPL_FILES, INTERNAL_TOLERANCE, NATURALISATION_TOLERANCE, PROJECTION_TOLERANCE,
)
from projsim.types import SEXES

BROAD_AGES = ((0, 17), (18, 39), (40, 64), (65, OPEN_AGE))
BRUSSELS_AGES = ((0, 4), (5, 14), (15, 19), (20, 24), (25, 29), (30, 44), (45, 64), (65, OPEN_AGE))
YEARS = est.DECOMPOSITION_YEARS


def pct(x: float) -> str:
    return f"{100 * x:+.2f} %"


def age_label(first: int, last: int) -> str:
    if last >= OPEN_AGE:
        return f"{first}+"
    return str(first) if first == last else f"{first}-{last}"


def by_groups(values: np.ndarray, groups) -> list[float]:
    return [float(values[..., a:b + 1].sum()) for a, b in groups]


def render(e) -> str:  # noqa: C901 - one long document
    main = e.main
    stocks = e.stocks
    population = stocks.population[BASE_YEAR]
    srb, male_births, female_births = e.srb
    last = len(YEARS) - 1
    intervals = ", ".join(f"{t}->{t + 1}" for t in YEARS)
    sections = []

    # ---------------------------------------------------------------- intro
    sections.append(f"""# Belgium 2012 by region and nationality: embedded base data for projsim

Base population on **1 January 2012** by **region x nationality (Belgian / foreign)**, sex and single age, and the
rates of the years around 2011, for the Federal Planning Bureau's *Bevolkingsvooruitzichten 2012-2060* (May 2013),
which projects Belgians and foreigners separately. Every file is **generated** by `tools/build_belgium.py` (the
estimation is in `tools/belgium_nationality.py`) from the raw copies in `data-raw/belgium/` (provenance:
`data-raw/belgium/SOURCES.md`); do not edit them by hand. `tests/io/test_embedded_data.py` checks that the shipped
files equal a rebuild.

**Estimation window.** Every rate comes from data up to **1 January 2013**: the Statbel stocks of 1 January
2009-2013, the deaths of 2009-2012 and flows published for 2010-2012, as the FPB could have known them in 2013. No
later figure is used, not even as a check.

Only `population.csv` is a count; every other file is an **estimate**. The methods, the years they use and the
checks they pass (the build stops if a check fails) are given below.

## Conventions

* Long CSV, UTF-8, one header row, sorted by region, nationality, sex and age. Integer counts are written as
  integers, other numbers with 10 significant digits.
* `region`: `Brussels-Capital Region`, `Flemish Region`, `Walloon Region`; `nationality`: `Belgian`, `foreign`
  (the states are region x nationality, `[states]` in `meta.toml`); `sex`: `female`, `male`.
* `age`: integers 0..110, where **110 is the open group 110+**.
* Ages do not mean the same thing in every file (the Lexis conventions of projsim's kernel, README "Method"):

| file | columns | unit | what `age` means |
|---|---|---|---|
| `population.csv` | region, nationality, sex, age, population | persons on 1 January 2012 | completed age on 1 January 2012 |
| `mortality_rate.csv` | region, nationality, sex, age, mortality_rate | deaths per person-year, m(x) | completed age during the year (Lexis square) |
| `fertility_rate.csv` | region, nationality, age, fertility_rate | live births per woman per year | age of the mother during the year (Lexis square) |
| `birth_nationality.csv` | region, mother_nationality, child_nationality, share | fraction of the children of the mother's state | (no age) |
| `immigration.csv` | region, nationality, sex, age, immigration | immigrants per year (2012) | age at migration (Lexis square) |
| `emigration_rate.csv` | region, nationality, sex, age, emigration_rate | per person-year: emigrants = P(x) (1 - exp(-e(x))) | age on 1 January at the **start** of the year, P the population of that age then |
| `naturalisation_rate.csv` | region, nationality, sex, age, naturalisation_rate | per person-year: naturalised = Q(x) (1 - exp(-nu(x))), foreign -> Belgian in the same region; 0 for Belgians | age on 1 January at the **end** of the year, Q the foreigners at the end of the year after internal moves |
| `internal_migration_rate.csv` | region, nationality, sex, age, internal_migration_rate | per person-year: out-migrants = Q(x) (1 - exp(-mu(x))) | age at the **end** of the year, Q the population at the end of the year before internal moves |
| `internal_migration_destination.csv` | nationality, origin, destination, share | fraction of the origin's out-migrants | (no age); rows sum to 1, zero diagonal |
| `net_migration.csv` | region, nationality, sex, age, net_migration_total, internal_net_migration, naturalisation_net, international_net_migration | persons per year, mean of {intervals} | age at the **end** of the year: the cohort aged `age - 1` at the start, or born during the year for age 0 |

The order of a step these rates are made for is the planned engine's: international migrants ("even" timing:
half at the start, exposed to mortality, half at the end) and births, then the internal moves, then
naturalisation, both on the end-of-year population by age at the end of the year. Births are computed in the
mother's state; `birth_nationality.csv` gives the nationality of the children.

`meta.toml` holds the base date, `[states]`, sexes, ages, units, the sex ratio at birth
(**{srb:.10g}**, HMD live births {BIRTHS_YEAR}: {male_births:,} / {female_births:,}), `net_migration_column`
(`international_net_migration`), the identification constants, short source notes and a one-line statement of
every method.""")

    # ---------------------------------------------------------------- population
    foreign = population[:, FOREIGN].sum()
    region_rows = [
        [SHORT_REGION[r], f1(population[i].sum()), f1(population[i, BELGIAN].sum()), f1(population[i, FOREIGN].sum()),
         f"{100 * population[i, FOREIGN].sum() / population[i].sum():.1f} %"]
        for i, r in enumerate(REGIONS)
    ]
    region_rows.append(["Belgium", f1(population.sum()), f1(population[:, BELGIAN].sum()), f1(foreign),
                        f"{100 * foreign / population.sum():.1f} %"])
    sections.append(f"""## population.csv

Statbel's legal population (National Register, without the asylum seekers' waiting register) on 1 January 2012
by region, nationality, sex and single age 0..99, and its 100+ (summed by the compilers from Statbel's open-data
files by municipality). Statbel's open age is 100+; the base's is 110+. Each region's, nationality's and sex's 100+
is split into 100..109 and 110+ **in proportion to HMD's national population of 1 January 2012 of the same sex by
single age 100..109 and 110+** (HMD's own estimates, CC BY 4.0), in whole persons: each age gets the integer part
of its share and the persons left over go to the largest remainders (Hamilton's method; ties to the younger age).
The same rule splits the 100+ of 2009-2013 for the residuals. The 110+ group holds
{f1(population[..., OPEN_AGE].sum())} persons.

Checked (the build stops otherwise): Belgium **{f1(population.sum())}**, of whom **{f1(foreign)} foreigners** (the
published totals; the book's table of stocks prints the same number of foreigners), and the three regional totals.

{markdown_table(["region", "total", "Belgian", "foreign", "foreign share"], region_rows)}""")

    # ---------------------------------------------------------------- mortality
    nm = e.nationality_mortality
    rel_rows = [
        [f"{SHORT_REGION[r]}, {NATIONALITIES[n]}, {sex}"]
        + [f2(nm.relative[i, n, s, g]) for g in range(len(est.NATIONALITY_MORTALITY_GROUPS))]
        for i, r in enumerate(REGIONS) for n in range(2) for s, sex in enumerate(SEXES)
    ]
    death_rows = [
        [f"{SHORT_REGION[r]}, {sex}"] + [f1(nm.deaths[i, FOREIGN, s, g]) for g in range(len(est.NATIONALITY_MORTALITY_GROUPS))]
        for i, r in enumerate(REGIONS) for s, sex in enumerate(SEXES)
    ]
    e0_rows = [
        [SHORT_REGION[r]] + [f2(nm.e0[i, n, s]) for n in range(2) for s in range(2)]
        for i, r in enumerate(REGIONS)
    ]
    groups = [age_label(a, b) for a, b in est.NATIONALITY_MORTALITY_GROUPS]
    sections.append(f"""## mortality_rate.csv

Central death rates m(x) around 2011 [deaths per person-year] by region, nationality, sex and age 0..110+.

1. **Regional rates**: those of `belgium_2012_regions` (HMD national deaths / exposures pooled over
   {MORTALITY_YEARS[0]}-{MORTALITY_YEARS[-1]}, times the regional ratio of observed to expected register deaths in
   broad age groups; see that folder's README).
2. **Nationality ratio**: for each region, sex and age group {", ".join(groups)} (age on 1 January), the ratio of
   the nationality's observed to expected register deaths, divided by the same ratio for the region (both
   nationalities), pooled over {MORTALITY_YEARS[0]}-{MORTALITY_YEARS[-1]}. Observed deaths are the larray
   register quotients `qx` (the probability that a person of the cell on 1 January dies during the year) times the
   Statbel population of the cell; expected deaths apply the national quotient of the same year, sex and age.
   Weighted by expected deaths, the two nationalities give back the region's deaths, so the regional level is kept.
   The broad groups keep at least {f1(nm.deaths[:, FOREIGN].min())} observed foreign deaths per cell over the three
   years (table below); finer groups would be noise.
3. Regional rate x nationality ratio on ages 0..{KANNISTO_FROM_2012 - 1}; ages {KANNISTO_FROM_2012}..109 and 110+ from
   a Kannisto curve fitted to ages {KANNISTO_FIT_2012[0]}-{KANNISTO_FIT_2012[1]} of each region, nationality and sex
   (`projsim.demography.kannisto_extend`, as for `belgium_2012_regions`).

The differential is that of **register** deaths: foreigners who die abroad while still registered leave the
register later as emigrants (or by ex-officio deletion), not as deaths. The rates are therefore consistent with the
register-based accounting of the other files (the residual uses the same quotients), but they are not a measure
of foreigners' health. **These rates are derived from the GPL-3.0 larray quotients** (below).

Nationality ratio (register deaths, {MORTALITY_YEARS[0]}-{MORTALITY_YEARS[-1]}):

{markdown_table(["region, nationality, sex"] + groups, rel_rows)}

Observed foreign register deaths behind the ratios (sum of {MORTALITY_YEARS[0]}-{MORTALITY_YEARS[-1]}):

{markdown_table(["region, sex"] + groups, death_rows)}

Life expectancy at birth [years] (`projsim.demography.life_expectancy_at_birth`):

{markdown_table(["region", "Belgian female", "Belgian male", "foreign female", "foreign male"], e0_rows)}

Check: the population-weighted rates of the six states give e0 **{f2(nm.e0_weighted[0])}** (female) and
**{f2(nm.e0_weighted[1])}** (male), against {f2(e.mortality.e0_weighted_rates[0])} / {f2(e.mortality.e0_weighted_rates[1])}
for the regional rates of `belgium_2012_regions` and {f2(e.mortality.e0_hmd_2011[0])} / {f2(e.mortality.e0_hmd_2011[1])} in the
HMD life table 2011 (the build stops beyond 0.5 year).""")

    # ---------------------------------------------------------------- fertility
    nf = e.nationality_fertility
    tfr_rows = [
        [SHORT_REGION[r], f3(e.fertility.regional_level[i] * e.fertility.national_rate.sum()), f3(nf.level[i]),
         f3(nf.tfr[i, BELGIAN]), f3(nf.tfr[i, FOREIGN]), f"{nf.births_kept[i]:.10f}"]
        for i, r in enumerate(REGIONS)
    ]
    sections.append(f"""## fertility_rate.csv

Age-specific fertility rates [live births per woman per year] by region, nationality of the mother and single age
0..110 (zero outside 12..55).

1. **Regional rates**: those of `belgium_2012_regions` (HFC 2010 shape, scaled to the HMD births of {BIRTHS_YEAR}, regional
   levels from the 0-year-olds of 1 January 2012).
2. **Nationality**: foreign women's rates are **{est.TFR_FOREIGN_WOMEN_2006_08} / {est.TFR_BELGIAN_WOMEN_2006_08} =
   {f3(est.FOREIGN_FERTILITY_RATIO)}** times the Belgian women's at every age, the ratio of the TFRs of foreign and
   Belgian women in 2006-08 quoted from the FPB's 2010-2060 projections (lavenir.net, 20 December 2011;
   `FPB_PROJECTIONS.md`, section 1.3). In each region the Belgian rate is a_r f_r(x) and the foreign k a_r f_r(x),
   a_r chosen so that the births of {BIRTHS_YEAR} on the women of the regional estimate (Statbel, mean of 1 January
   {BIRTHS_YEAR} and {BASE_YEAR}) are unchanged: every region keeps its births (checked, last column).
3. The same age shape is used for both nationalities: no fertility schedule by nationality was found for
   2009-2012. A younger schedule of foreign women would move births to younger mothers, not change their number.

{markdown_table(["region", "regional TFR (belgium_2012_regions)", "a_r", "TFR Belgian women", "TFR foreign women", "births kept (ratio)"], tfr_rows)}

Implied national TFRs ({BIRTHS_YEAR} exposure): Belgian women **{f3(nf.national_tfr[BELGIAN])}**, foreign women
**{f3(nf.national_tfr[FOREIGN])}** (FPB, 2006-08: 1.74 and 2.52; the ratio is the FPB's by construction, the level
follows the 2011 births).""")

    # ---------------------------------------------------------------- birth nationality
    b = e.birth
    share_rows = [
        [SHORT_REGION[r]]
        + [f"{100 * nf.foreign_mother_share[y][i]:.1f} / {100 * b.foreign_share_age0[y][i]:.1f}" for y in est.BIRTH_SHARE_YEARS]
        + [f3(b.share_belgian[i])]
        for i, r in enumerate(REGIONS)
    ]
    sections.append(f"""## birth_nationality.csv

The nationality of the children by the mother's state: children of Belgian mothers are Belgian (share 1); of the
children of foreign mothers in region r, a share **s_r** is Belgian at birth (a Belgian father, or a parent born in
Belgium) and 1 - s_r foreign.

**Estimate.** On 1 January t+1 the 0-year-olds of region r were born during t. If infant deaths, infant migration
and the naturalisation of infants affect both nationalities alike, the foreigners among them are
(1 - s_r) phi_r(t) of all of them, phi_r(t) being the share of the births of t to foreign mothers (the rates of
`fertility_rate.csv` on the mean of the female populations of 1 January t and t+1). Pooled over the intervals
{", ".join(f"{t}->{t + 1}" for t in est.BIRTH_SHARE_YEARS)}:

s_r = 1 - (sum over t of the foreign 0-year-olds) / (sum over t of phi_r(t) x all 0-year-olds).

Table: phi_r(t) / foreign share of the 0-year-olds on 1 January t+1 [%], and s_r.

{markdown_table(["region"] + [f"{t}->{t + 1}" for t in est.BIRTH_SHARE_YEARS] + ["s_r"], share_rows)}

s_r rests on the FPB's fertility ratio (a higher ratio gives more births to foreign mothers and a higher s_r).
Foreign families migrate more than Belgian ones, so infants born abroad during the year and immigrating make the
foreign share of the 0-year-olds higher than that of the births: s_r is then **understated**; the naturalisation of
infants with their parents works the other way.""")

    # ---------------------------------------------------------------- immigration
    imm = e.immigration_2012
    imm_rows = [
        [SHORT_REGION[r], f1(imm[i, BELGIAN].sum()), f1(imm[i, FOREIGN].sum()), f1(imm[i].sum()),
         f"{100 * imm[i].sum() / imm.sum():.1f} %"]
        for i, r in enumerate(REGIONS)
    ]
    imm_rows.append(["Belgium", f1(imm[:, BELGIAN].sum()), f1(imm[:, FOREIGN].sum()), f1(imm.sum()), "100 %"])
    age_rows = [
        [age_label(a, b2)] + [f"{100 * imm[:, n, :, a:b2 + 1].sum() / imm[:, n].sum():.1f} %" for n in range(2)]
        for a, b2 in BROAD_AGES
    ]
    eu_rows = [
        [str(t), f1(v["total"]), f1(v["Belgian"]), f1(v["total"] - v["Belgian"] - v["unknown"]), f1(v["unknown"])]
        for t, v in e.eurostat.items()
    ]
    census = e.profile.census
    brussels_2012 = e.published["brussels_2012"]
    t2012 = YEARS.index(2012)
    brussels_emigrants_2012 = (main.emigration_probability[BRUSSELS] * e.observed.start[t2012, BRUSSELS]).sum()
    sections.append(f"""## immigration.csv

International immigrants per year by region, nationality, sex and **age at migration**, at the level of
**{BASE_YEAR}**.

1. **Levels**: Eurostat `migr_imm1ctz` (immigration by citizenship, Belgium): the citizens of the reporting
   country are the Belgian immigrants; the rest of the total (foreign, stateless and unknown citizenship) are the
   foreign immigrants. Checked: {BASE_YEAR} total **{f1(imm.sum())}**, of which **{f1(imm[:, BELGIAN].sum())}**
   Belgian (Eurostat: 129,477 and 13,422). The decomposition below uses each year's levels:

{markdown_table(["year", "total", "Belgian", "foreign and stateless", "unknown (counted foreign)"], eu_rows)}

2. **Distribution** over regions, sexes and ages: the census of 1 January 2011 (Statbel, hypercube
   `TF_CENSUS_2011_HC46_L`): residents who lived abroad on 1 January 2010, by region, sex, 5-year group and
   citizenship ({f1(census[BELGIAN].sum())} Belgians; {f1(census[FOREIGN].sum())} foreign, stateless or of unknown
   citizenship), separately for each nationality.
3. **Graduation to single years**, group totals preserved: the cumulated counts at the group boundaries are
   interpolated by a monotone piecewise cubic Hermite polynomial (PCHIP; F. N. Fritsch and R. E. Carlson, 1980,
   *Monotone piecewise cubic interpolation*, SIAM J. Numer. Anal. 17(2): 238-246), and the single-year counts are
   its differences; they are never negative and add up to every group's count (the monotone spline of the
   cumulative distribution, as in DemoTools' `graduate_mono`). The census question does not apply to children born
   after 1 January 2010, so the group 0-4 covers ages 1-4; the 100+ is graduated as 100-104.
4. **Ages**: the census age is the age after the move (1 January 2011). Census age 0 (born during the year, not
   asked) is taken as half of census age 1 (half a year in which to migrate, on average). A move during 2010
   happened on average half a year before the census birthday count, so the immigrants at age at migration i are
   the mean of census ages i and i+1.

{markdown_table(["region", "Belgian", "foreign", "total", "share"], imm_rows)}

Age structure (share of each nationality's immigrants):

{markdown_table(["age at migration", "Belgian", "foreign"], age_rows)}

Check: IBSA counts **{f1(brussels_2012['immigration'])}** entries from abroad into Brussels in 2012, against
**{f1(imm[BRUSSELS].sum())}** here (Eurostat's total shared by the census profile); IBSA's emigration
({f1(brussels_2012['emigration'])}, with ex-officio deletions) and net ({f1(brussels_2012['net_migration'])}) compare
with {f1(brussels_emigrants_2012)} emigrants from the rates below and a net of
{f1(imm[BRUSSELS].sum() - brussels_emigrants_2012)}.

Limits: the census profile is that of the **survivors still resident** a year after arriving (it misses those who
left again within the year) and includes asylum seekers, whom the Statbel population excludes; Eurostat's and
Statbel's definitions of an immigrant differ (re-registrations, changes of register).""")

    # ---------------------------------------------------------------- decomposition
    residual = e.observed.residual
    mean_res = residual.mean(0)
    misfit = main.misfit.mean(0)
    ratio = np.abs(misfit).sum() / np.abs(mean_res).sum()
    comp_rows = []
    for i, r in enumerate(REGIONS):
        for n in range(2):
            comp_rows.append([
                f"{SHORT_REGION[r]}, {NATIONALITIES[n]}", f1(mean_res[i, n].sum()), f1(main.immigration.mean(0)[i, n].sum()),
                f1(-main.emigration.mean(0)[i, n].sum()),
                f1((main.internal_in - main.internal_out).mean(0)[i, n].sum()),
                f1(main.naturalisation_net().mean(0)[i, n].sum()), f1(misfit[i, n].sum()),
            ])
    year_rows = []
    for t, year in enumerate(YEARS):
        for n in range(2):
            year_rows.append([
                str(year), NATIONALITIES[n], f1(residual[t][:, n].sum()), f1(main.immigration[t][:, n].sum()),
                f1(-main.emigration[t][:, n].sum()), f1(main.naturalisation_net()[t][:, n].sum()),
                f1(main.misfit[t][:, n].sum()),
            ])
    national_age = [
        [age_label(a, b2)] + [f1(mean_res[:, n, :, a:b2 + 1].sum()) + " / " + f1(misfit[:, n, :, a:b2 + 1].sum())
                               for n in range(2)]
        for a, b2 in ((0, 0), (1, 4), (5, 14), (15, 19), (20, 24), (25, 29), (30, 39), (40, 54), (55, 69), (70, OPEN_AGE))
    ]
    rho_points = ", ".join(f"{rho:.3f}: {norm:.3f}" for rho, norm in main.rho_profile)
    sections.append(f"""## The decomposition of the residual: emigration, naturalisation and internal migration

The three remaining rates are estimated **together**, from the stock changes of the intervals **{intervals}**
(the years for which Eurostat's immigration by citizenship is in the copy; 2009 is not).

**Residual.** For interval t, region, nationality, sex and age x at the end of the year:
R = P(t+1, x) - P(t, x-1) (1 - q(t, x-1)), with P the Statbel stocks (100+ split as above) and q the death
quotients of t (larray register quotients below 100; from 100 on, HMD's quotient of the 100+: deaths during the
year at 100+ except the lower triangle at 100, over HMD's 100+). Age 0: P(t+1, 0) minus the births of t by the
child's nationality alive on 1 January t+1 (HMD births, shared among regions by their 0-year-olds as in
`belgium_2012_regions`, then by phi_r(t) and s_r, times HMD's infant survival). Age 110+ collects start ages 109 and 110+.

**Model.** With every flow labelled as the kernel labels it,

R = I - E + In - Out + Nat (Belgians) or - Nat (foreigners) + misfit,

* I: the immigrants of t (known, above): half at the start at age i (surviving, 1 - q), half at the end at age i;
* E = p_e(i) P(t, i): emigrants by age at migration i, computed on the population at the start and timed like I;
* Out = p_m(x) P(t+1, x) out of the origin, In = the out-migrants of the two other regions times the 2012
  destination shares (below), by age at the end of the year;
* Nat = c(x) P_foreign(t+1, x): foreigners who become Belgian at the end of the year (P the foreigners after the
  naturalisations, so that the rate nu = log(1 + c) applied to the foreigners before them gives Nat exactly).

Each schedule p_e, p_m, c is a cubic B-spline in age (knots every {est.SPLINE_STEP:g} years on 0..110) with
**non-negative coefficients**, so every rate is smooth and non-negative; roughness is penalised by the squared
second differences of the coefficients (P-splines: P. H. C. Eilers and B. D. Marx, 1996, *Flexible smoothing with
B-splines and penalties*, Statistical Science 11(2): 89-121), and the non-negative least-squares problem is solved
by the Lawson-Hanson algorithm (C. L. Lawson and R. J. Hanson, 1974, *Solving Least Squares Problems*). The data it
is fitted to:

* the **mean residual of the three intervals** in every cell (region x nationality x sex x end age, 1,332 cells),
  each weighted by 1 / sqrt(immigrants + 1 % of the population + 25), a Poisson-like scale that gives Flemish
  Belgians and Brussels foreigners comparable weight;
* the **2012 out-flow of each region** (below), on the population of 1 January 2013 as the at-risk proxy, with a
  weight that makes it hold to about 0.01 %;
* the **census 2011 age-sex-nationality shape of the moves into Brussels** from the two other regions (Statbel,
  `moved_from_other_arrondissement_in_belgium`; Brussels is one arrondissement): the model's in-migrants of
  interval 2010 (at risk: 1 January 2011, the census date) by nationality, sex and 5-year group, as shares of all of
  them, against the census shares, with Poisson weights times {est.CENSUS_WEIGHT:g}, so that every share holds to
  about half a percentage point (table in the internal-migration section).

**Penalty weight.** The penalty is {est.PENALTY:g} x (the schedule's typical at-risk population x its typical cell
weight)^2. Leave-one-interval-out cross-validation (fit on two intervals, predict the residual of the third with
the fitted rates; weighted sum of squares over the three left-out intervals; `python tools/belgium_nationality.py`
reproduces it) gives {", ".join(f"{penalty:g}: {score:,.0f}" for penalty, score in est.CROSS_VALIDATION_SCORES.items())}.
The score keeps falling as the penalty shrinks, but below 1 the schedules start to oscillate over a few years of
age (they follow the anomalies of single cohorts, which adjacent intervals share, so cross-validation over
intervals cannot reject them); 1 is the smallest value of the grid whose schedules stay smooth.

**Structure and identification.**

1. **Naturalisation vs emigration of foreigners vs net migration of Belgians.** Nationally the residuals give
   R_Belgian = I_B - E_B + Nat and R_foreign = I_F - E_F - Nat: two equations for three unknowns. The
   **identification assumption**: *Belgians emigrate {f1(main.assumptions.belgian_emigrants)} persons a year*,
   Eurostat's Belgian immigrants of 2011 ({f1(e.eurostat[2011]['Belgian'])}) minus the net international
   migration of Belgians in 2011 published by Centrum / ADSEI ({f1(e.published['belgian_net_2011'])}, in the book's
   table), the only published net by nationality before 2013; and *the emigration rates of Belgians have the
   age-sex shape of the foreign emigration rates of the same region*, e_B = c e_F, with one national factor c
   (found by the secant method: **c = {main.factor:.5f}**). Naturalisation is then what the Belgian residual needs
   beyond the Belgian net migration and internal moves, and the foreigners' emigration what their residual needs
   beyond immigration and naturalisation. Sensitivity: below.
2. **Naturalisation by region**: one schedule by sex and age for the three regions (the nationality law is
   federal, and no regional count of acquisitions for 2009-2012 was found); the regional totals follow the
   regional foreign populations.
3. **Emigration of foreigners**: a schedule for each region and sex.
4. **Internal out-migration**: a schedule for each origin region, nationality and sex, except that the Brussels
   foreigners' rates are **rho = {main.rho:.3f}** times the Brussels Belgians' at every age (rho estimated by
   Brent's bounded search on the weighted residual norm; norm by rho: {rho_points}). The census identifies the
   nationality of the moves *into* Brussels only, so the nationality split of the moves *out of* Brussels is
   otherwise weakly identified (a free schedule sends almost no foreign children out of Brussels).
5. The destination shares are the same at every age and for both nationalities (no age- or nationality-specific
   origin-destination data for 2009-2013 were found).

**Fit.** Weighted misfit / residual over all cells (sum of absolute mean misfits over the sum of absolute mean
residuals): **{ratio:.3f}**. By region and nationality, mean of the three intervals [persons per year]:

{markdown_table(["region, nationality", "residual", "immigrants", "- emigrants", "internal net", "naturalisation net", "misfit"], comp_rows)}

The rates are constant over the three intervals, so the yearly residuals are not reproduced one by one (2010 had
the largest and 2012 the smallest growth of the foreign population):

{markdown_table(["interval t", "nationality", "residual", "immigrants", "- emigrants", "naturalisation net", "misfit"], year_rows)}

Belgium, residual / misfit by age at the end of the year, mean [persons per year]:

{markdown_table(["end age", "Belgian", "foreign"], national_age)}

The largest misfits by age are those of young adults, whose moves (students, first jobs) go to destinations that
depend on age, which age-invariant destination shares cannot follow.""")

    # ---------------------------------------------------------------- emigration
    em_rows = [
        [f"{SHORT_REGION[r]}, {NATIONALITIES[n]}", f1(main.emigration.mean(0)[i, n].sum())]
        + [f"{1000 * e.rates['emigration_rate'][i, n, s, a]:.2f}" for s in range(2) for a in (1, 25, 45, 70)]
        for i, r in enumerate(REGIONS) for n in range(2)
    ]
    t2011 = YEARS.index(2011)
    fnet_model = (main.immigration[t2011] - main.emigration[t2011])[:, FOREIGN].sum()
    bnet_model = (main.immigration[t2011] - main.emigration[t2011])[:, BELGIAN].sum()
    fnet_residual = residual[t2011][:, FOREIGN].sum() + main.naturalisation[t2011].sum()
    bnet_residual = residual[t2011][:, BELGIAN].sum() - main.naturalisation[t2011].sum()
    total_2011 = residual[t2011].sum()
    acquired_2011 = e.published["naturalisation"][(2011, "acquisitions_of_belgian_nationality")]
    sections.append(f"""## emigration_rate.csv

Emigration rates e(x) [per person-year] by region, nationality, sex and age on 1 January at the start of the year:
emigrants = P(x) (1 - exp(-e(x))) with P the population of that age at the start, timed like the immigrants. From
the fitted probabilities p_e: e = -log(1 - p_e). Largest rate **{e.rates['emigration_rate'].max():.4f}**.

{markdown_table(["region, nationality", "emigrants a year (mean 2010-2012)", "F 1", "F 25", "F 45", "F 70", "M 1", "M 25", "M 45", "M 70"], em_rows)}

(rates per 1,000 at ages 1, 25, 45 and 70, female and male)

**Check against the book's 2011 figures** (Centrum / ADSEI, *Migratiemaatschappij*, 2014):

| 2011 | published | from the rates (I - E) | from the residual (R -/+ Nat) |
|---|---|---|---|
| Belgians | {f1(e.published['belgian_net_2011'])} | {f1(bnet_model)} | {f1(bnet_residual)} |
| foreigners | {f1(e.published['foreign_net_2011'])} | {f1(fnet_model)} | {f1(fnet_residual)} |
| total | {f1(e.published['total_net_2011'])} ("more than") | {f1(bnet_model + fnet_model)} | {f1(total_2011)} |

The Belgians' figure is matched by construction (it is the identification). With the published 2011 acquisitions
({f1(acquired_2011)}) instead of the estimated naturalisations, the residual gives Belgians
{f1(residual[t2011][:, BELGIAN].sum() - acquired_2011)} and foreigners {f1(residual[t2011][:, FOREIGN].sum() + acquired_2011)}:
the stocks, the published acquisitions and the book's nets agree to a few thousand. The foreigners' differs for two
reasons: definitions (the book's {f1(e.published['foreign_immigration_2011'])} immigrations and
{f1(e.published['foreign_emigration_2011'])} emigrations of foreigners are ADSEI counts without asylum seekers
and with changes of register, Eurostat's 2011 foreign immigration is {f1(e.eurostat[2011]['foreign'])}); and the
constant rates: 2011 immigration was the highest of the three years, so the rates, fitted to the mean, give more
net immigration in 2011 than the residual shows. The build stops if the rates' 2011 foreign net is more than
{BOOK_TOLERANCE:.0%} from the published figure.""")

    # ---------------------------------------------------------------- naturalisation
    nat = main.naturalisation
    pub = e.published["naturalisation"]
    nat_rows = [[str(y), f1(nat[t].sum())] + [f1(nat[t][i].sum()) for i in range(3)] for t, y in enumerate(YEARS)]
    age_share = [f"{100 * v / nat.sum():.1f} %" for v in by_groups(nat.sum((0, 1, 2)), BROAD_AGES)]
    variant_rows = []
    for label, v in [("main", main)] + list(e.variants.items()):
        projection = e.projection if v is main else e.variant_projection[label]
        error = projection.total_error()
        shares = [f"{100 * x / v.naturalisation.sum():.0f}" for x in by_groups(v.naturalisation.sum((0, 1)), BROAD_AGES)]
        variant_rows.append([
            label, f1(v.naturalisation[YEARS.index(2011)].sum()), f1(v.naturalisation[YEARS.index(2012)].sum()),
            " / ".join(f1(v.naturalisation.mean(0)[i].sum()) for i in range(3)), " / ".join(shares),
            f1(v.emigration.mean(0)[:, FOREIGN].sum()), f"{v.rho:.3f}", f"{v.norm:.2f}",
            " / ".join(f"{100 * error[i, FOREIGN]:+.2f}" for i in range(3)),
        ])
    sections.append(f"""## naturalisation_rate.csv

Naturalisation rates nu(x) [per person-year] of foreigners by region, sex and age at the end of the year:
naturalised = Q(x) (1 - exp(-nu(x))), Q the foreigners at the end of the year after internal moves; they become
Belgians of the same region, sex and age. **Zero for Belgians.** One schedule by sex for the three regions
(structure 2 above). Largest rate **{e.rates['naturalisation_rate'].max():.4f}** per person-year.

Estimated naturalisations (foreign -> Belgian) [persons]:

{markdown_table(["year", "Belgium", "Brussels", "Flanders", "Wallonia"], nat_rows)}

Age at the end of the year, 0-17 / 18-39 / 40-64 / 65+: {" / ".join(age_share)} (mean of the three years).

**Check against the published acquisitions of Belgian nationality** (`naturalisations_text_figures`):
{f1(pub[(2011, 'acquisitions_of_belgian_nationality')])} in 2011 and {f1(pub[(2012, 'acquisitions_of_belgian_nationality')])}
in 2012 (OECD International Migration Outlook, Statbel definition); the Justice ministry's register count of "new
Belgians" in 2012 is {f1(pub[(2012, 'new_belgians_justice_ministry')])}, described by its source as wider than
Statbel's definition, of which {f1(pub[(2012, 'naturalisations_only_justice_ministry')])} by the naturalisation
procedure proper. **The estimate matches the OECD/Statbel definition**: like the stocks it comes from, it counts
the residents of Belgium who changed from a foreign to the Belgian nationality in the register during the year,
whatever the procedure (naturalisation, declaration, option, children acquiring with a parent); it lies between
the 2011 and 2012 OECD/Statbel counts ({pct(nat[YEARS.index(2011)].sum() / pub[(2011, 'acquisitions_of_belgian_nationality')] - 1)}
and {pct(nat[YEARS.index(2012)].sum() / pub[(2012, 'acquisitions_of_belgian_nationality')] - 1)}); constant rates
cannot follow the jump of 2012. It is far above the narrow procedure count and below the ministry's wider one. The
build stops if either year is more than {NATURALISATION_TOLERANCE:.0%} from the OECD/Statbel count.

**Sensitivity to the identification and structure** (each line refits everything; rho held at the main value
except where stated; "nat." = naturalisations; last column: error of the one-year projection of the foreigners of
each region in 2013, Brussels / Flanders / Wallonia, %):

{markdown_table(["assumption", "nat. 2011", "nat. 2012", "nat. by region, mean", "nat. share 0-17 / 18-39 / 40-64 / 65+ (%)", "foreign emigrants, mean", "rho", "weighted norm", "2013 foreigners (%)"], variant_rows)}

The level of naturalisation moves one for one with the assumed emigration of Belgians: Myria's emigration of
Belgian citizens ({", ".join(f1(v) for v in e.published['myria'].values())} in 2010-2012) with Eurostat's Belgian
immigration implies a Belgian net of about -20,000 a year, twice the ADSEI net, and naturalisations well above
the published counts; the two sources count Belgian immigrants differently, so the main assumption takes
immigrants and net from definitions as close as the sources allow. The age profile depends on the shape given to
Belgian emigration (the census immigrant profile puts many Belgian emigrants at 0-4 and gives a worse fit).""")

    # ---------------------------------------------------------------- internal
    tg = e.targets
    matrix_rows = [
        [SHORT_REGION[o]] + [(f1(tg.flow_2019[i, j]) + " / " + f1(tg.flow_2012[i, j])) if i != j else "" for j in range(3)]
        + [f1(tg.out_total[i]), " / ".join(f3(tg.share[i, j]) for j in range(3) if j != i)]
        for i, o in enumerate(REGIONS)
    ]
    net_2012 = tg.flow_2012.sum(0) - tg.flow_2012.sum(1)
    model_net = (main.internal_in[last] - main.internal_out[last]).sum((1, 2, 3))
    model_out = main.internal_out[last].sum((1, 2, 3))
    bxl_net = (main.internal_in - main.internal_out).mean(0)[BRUSSELS]
    bxl_rows = [
        [age_label(a, b2), f1(bxl_net[BELGIAN, :, a:b2 + 1].sum()), f1(bxl_net[FOREIGN, :, a:b2 + 1].sum()),
         f1(bxl_net[:, :, a:b2 + 1].sum())]
        for a, b2 in BRUSSELS_AGES
    ]
    single = bxl_net.sum((0, 1))
    peak = int(np.argmax(single[15:35])) + 15
    positive = [a for a in range(15, 35) if single[a] > 0]
    census_in, census_groups = est.brussels_in_migrants()
    model_in = main.internal_in[0, BRUSSELS]
    census_rows = []
    for n in range(2):
        for a, b2 in ((1, 14), (15, 19), (20, 29), (30, 44), (45, OPEN_AGE)):
            model_share = model_in[n, :, a:b2 + 1].sum() / model_in[:, :, 1:].sum()
            groups_in = [g for g, (first, _) in enumerate(census_groups) if a <= max(first, 1) <= b2]
            census_share = census_in[n][:, groups_in].sum() / census_in.sum()
            census_rows.append([NATIONALITIES[n], age_label(a, b2), f"{100 * census_share:.1f} %", f"{100 * model_share:.1f} %"])
    # Upper bound: interregional in-migrants of Flanders and Wallonia <= census moves from another arrondissement.
    census_all, _ = est.census_counts(est.CENSUS_ROY_INTERNAL)
    bound_rows = []
    for r_ in (FLANDERS, WALLONIA):
        for n in range(2):
            cells = []
            for a, b2 in ((1, 14), (15, 29), (30, 44), (45, 64), (65, OPEN_AGE)):
                groups_in = [g for g, (first, _) in enumerate(census_groups) if a <= max(first, 1) <= b2]
                got = main.internal_in[0, r_, n, :, a:b2 + 1].sum()
                cells.append(f"{f1(got)} / {f1(census_all[n, r_][:, groups_in].sum())}")
            bound_rows.append([f"{SHORT_REGION[REGIONS[r_]]}, {NATIONALITIES[n]}"] + cells)
    rates = e.rates["internal_migration_rate"]
    sections.append(f"""## internal_migration_rate.csv and internal_migration_destination.csv

Out-migration rates to the two other regions mu(x) [per person-year] by origin region, nationality, sex and age
at the end of the year (out-migrants = Q(x) (1 - exp(-mu(x))), Q the population at the end of the year before
internal moves), each origin, nationality and sex with its own age profile (Brussels foreigners: rho x the Brussels
Belgians'), and the destination shares by nationality and origin (the same for both nationalities). Fitted in the
decomposition above; mu = -log(1 - p_m). Largest rate **{rates.max():.4f}**.

**The 2012 flows.** No origin-destination matrix for 2009-2013 was found. The six Statbel-based flows of **2019**
(IBSA / Statistiek Vlaanderen) are scaled by Brussels' net loss 2012 / 2019 ({f1(tg.brussels_net_2012)} /
{f1(tg.flow_2019[BRUSSELS].sum() - tg.flow_2019[:, BRUSSELS].sum())} = {tg.scale:.4f}) and then changed as little as
possible (least squares with weights 1 / flow, the chi-square distance) so that **Brussels' net is
-{f1(tg.brussels_net_2012)}** (IBSA, 2012) and **Flanders' net is +{f1(tg.flanders_net_2012)}**, the published
{tg.flanders_share_of_growth:g} % of Flanders' population change of 2012 ({f1(tg.flanders_change_2012)}; Statbel, as
quoted). Wallonia's net follows: **+{f1(net_2012[WALLONIA])}**, inside IWEPS's {tg.wallonia_range} for 2003-2015
(a check). Without the adjustment the scaled 2019 matrix gives Flanders
+{f1((tg.scale * (tg.flow_2019.sum(0) - tg.flow_2019.sum(1)))[FLANDERS])} and Wallonia
+{f1((tg.scale * (tg.flow_2019.sum(0) - tg.flow_2019.sum(1)))[WALLONIA])}.

{markdown_table(["origin", "to Brussels 2019 / 2012", "to Flanders", "to Wallonia", "out 2012", "destination shares"], matrix_rows)}

**Which targets are fitted and which only checked.**

* Fitted: the 2012 out-flow of each origin (rates on the population of 1 January 2013: Brussels
  {f1(model_out[0])}, Flanders {f1(model_out[1])}, Wallonia {f1(model_out[2])}, within {INTERNAL_TOLERANCE:.1%} of
  the matrix; the build checks it), hence the 2012 nets (Brussels **{f1(model_net[0])}**, Flanders
  {f1(model_net[1])}, Wallonia {f1(model_net[2])}) and the destination shares (exact); the census age-sex-nationality
  shape of the moves into Brussels; the regional residuals by age (with the other components, above).
* Checked only: the 2019 matrix (the prior structure: its shares move by at most
  {np.abs(tg.share - tg.flow_2019 / tg.flow_2019.sum(1, keepdims=True)).max():.3f}); Brussels' net loss of
  **{INTERNAL_LATER_PERIOD_TEXT(tg)}; Wallonia's IWEPS range; the census counts of moves into Flanders and Wallonia
  from another arrondissement, which include the moves within those regions and so bound the interregional moves
  from above (table below: model, interval 2010 / census).

Interregional in-migrants of the model (interval 2010) / census persons who moved from another arrondissement
(within the region or from another region), by age at the end of the year:

{markdown_table(["region, nationality", "1-14", "15-29", "30-44", "45-64", "65+"], bound_rows)}

Census shape of the moves into Brussels (share of all in-migrants aged 1+, interval 2010) against the model; the
census counts {f1(census_in.sum())} such persons (with asylum seekers, without the children born during 2010), the
model {f1(model_in[:, :, 1:].sum())}:

{markdown_table(["nationality", "age at the census / end of year", "census", "model"], census_rows)}

**Brussels' internal net by age** (mean of {intervals}; age at the end of the year, persons a year):

{markdown_table(["age", "Belgian", "foreign", "total"], bxl_rows)}

Brussels loses children ({"every age 0-17 negative" if (single[:18] < 0).all() else "not at every age 0-17"}; 0-17:
{f1(single[:18].sum())} a year) and adults of 25-64 ({f1(single[25:65].sum())}), the families, and gains young adults only at
ages {f"{positive[0]}-{positive[-1]}" if positive else "(none)"} (peak {f1(single[peak])} at age {peak}); its
interregional gain of young adults is small because the census in-migration peak (20-29) is matched by young adults
leaving for the two other regions. The international migrants (above) bring Brussels most of its young adults.""")

    # ---------------------------------------------------------------- net migration
    all_int = e.observed.all_intervals
    published_net = e.published["belgium_net"]
    int_rows = []
    for year, r in sorted(all_int.items()):
        int_rows.append([
            f"{year}->{year + 1}", f1(r[:, BELGIAN].sum()), f1(r[:, FOREIGN].sum()), f1(r.sum()),
            f1(published_net[year]) if year in published_net else "",
            " / ".join(f1(r[i].sum()) for i in range(3)),
        ])
    wallonia = e.published["wallonia_total_net"]
    sections.append(f"""## net_migration.csv

Net migrants per year [persons] by region, nationality, sex and age at the end of the year, mean of the intervals
**{intervals}**:

* `net_migration_total`: the residual R above (international and interregional migration, naturalisation, and the
  statistical adjustments and errors of the quotients);
* `internal_net_migration`: in - out of the fitted internal rates (sums to zero over the regions);
* `naturalisation_net`: + the naturalisations for Belgians, - for foreigners (sums to zero over nationality);
* `international_net_migration` = total - internal - naturalisation: the residual net migration from abroad
  (it includes the misfit and the statistical adjustments). It is the column for spreading a national net total by
  a profile (`net_migration_column` in `meta.toml`).

Residual by interval (the interval 2009->2010 is shown but not used: no immigration by citizenship for 2009 in the
copy) [persons]:

{markdown_table(["interval", "Belgian", "foreign", "total", "Statbel net international migration", "Brussels / Flanders / Wallonia"], int_rows)}

Nationally the interregional flows cancel, so the total residual compares with Statbel's net international
migration (`migration_international_net_belgium_1990_2023.csv`); the residual also contains the statistical
adjustments and the errors of the death quotients. The Walloon residuals of 2009 and 2010 ({f1(all_int[2009][WALLONIA].sum())}, {f1(all_int[2010][WALLONIA].sum())})
compare with IWEPS's total net migration of Wallonia ({f1(wallonia[2009])}, {f1(wallonia[2010])}).""")

    # ---------------------------------------------------------------- projection
    p = e.projection
    error = p.total_error()
    proj_rows = [
        [f"{SHORT_REGION[r]}, {NATIONALITIES[n]}", f1(p.observed[i, n].sum()), f1(p.projected[i, n].sum()), pct(error[i, n])]
        for i, r in enumerate(REGIONS) for n in range(2)
    ]
    worst_r, where_r = p.group_error(False)
    worst_n, where_n = p.group_error(True)
    foreign_share_obs = p.observed[:, FOREIGN].sum() / p.observed.sum()
    foreign_share_proj = p.projected[:, FOREIGN].sum() / p.projected.sum()
    sections.append(f"""## Consistency check: one projected year, 2012 -> 2013 (in sample)

The base projected one year with projsim's kernel (`projsim.engine.step.step` on the six states, immigration counts of
`immigration.csv` and the emigration rates, "even" timing; then the children of foreign mothers born Belgian moved
to the Belgian state; then `projsim.engine.moves.move_between` with a block-diagonal 6 x 6 destination matrix; then
naturalisation), against Statbel's 1 January 2013. The year is inside the estimation window, so this checks the
consistency of the files with each other and with the kernel's conventions, not a forecast. The build stops if a
region x nationality total is off by more than {PROJECTION_TOLERANCE:.0%}.

{markdown_table(["region, nationality", "observed 1 Jan 2013", "projected", "error"], proj_rows)}

* Largest error over region x sex x 5-year group 0-84 (both nationalities): **{pct(worst_r)}** ({where_r}); over
  region x nationality x sex x 5-year group 0-84: {pct(worst_n)} ({where_n}).
* Foreign share of Belgium: observed {100 * foreign_share_obs:.2f} %, projected {100 * foreign_share_proj:.2f} %.
* Naturalisations in the step: {f1(p.naturalisations)}; Brussels' internal net: {f1(p.brussels_internal_net)}.

The foreigners are overstated by {100 * error[:, FOREIGN].min():.1f}-{100 * error[:, FOREIGN].max():.1f} % because 2012
was the year of the smallest growth of the foreign population of the window (the decomposition's 2012 misfit of foreigners, {f1(main.misfit[last][:, FOREIGN].sum())}),
while the rates describe the mean of 2010-2012.""")

    # ---------------------------------------------------------------- limitations
    sections.append(f"""## Limitations

* The decomposition is identified by assumption, not by data on emigration or naturalisation by age: the
  emigration of Belgians (level from the 2011 ADSEI net and Eurostat's immigrants; age shape of the foreign
  emigration rates), one naturalisation schedule for the three regions, and rho for the Brussels foreigners'
  internal moves. The sensitivity table shows what moves with them.
* The rates are constant over 2010-2012 and fitted to the mean; the yearly misfits are several thousand persons.
* Destination shares do not depend on age or nationality; the young adults' misfit shows the cost.
* Eurostat's and ADSEI's immigrants, the census (with asylum seekers) and the Statbel stocks (without) use
  different definitions; the residual absorbs the differences, and the emigration rates are those that close the
  accounts with Eurostat's immigrants.
* The nationality mortality ratio is that of register deaths (salmon bias); the fertility differential is a
  national ratio of 2006-08 applied to every region and age.
* Internal moves of children born during the year (age 0 at its end) get the smooth schedule's value at 0.

## Sources and licences

{licence_notes_2012(list(GPL_FILES), LICENCE_EXTRA)}""")
    return "\n\n".join(sections)


def INTERNAL_LATER_PERIOD_TEXT(tg) -> str:  # noqa: N802 - a text snippet
    return (f"{f1(tg.brussels_net_2013)} in 2013** (IBSA), a post-2012 datum quoted only as a check: constant rates "
            f"give {f1(tg.brussels_net_2012)} on the end-of-2012 population, {tg.brussels_net_2012 / tg.brussels_net_2013 - 1:+.1%} "
            "above it")


LICENCE_EXTRA = [
    "**Eurostat** `migr_imm1ctz` (immigration by citizenship), Belgium 2010-2012, **CC BY 4.0**: cite Eurostat and "
    "the table code.",
    "Figures of the book *Migratiemaatschappij* (Kruispunt Migratie-Integratie, 2014; Centrum / ADSEI figures), of "
    "the OECD and the Justice ministry (acquisitions of nationality), of Myria, IBSA, IWEPS and Statbel "
    "(components of change) are published figures copied by hand from pages named in the data-raw files; they are "
    "used as levels (the 2011 net of Belgians, Flanders' 2012 growth shares) or checks, not redistributed.",
]
