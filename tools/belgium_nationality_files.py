"""Build, check and write ``belgium_2012`` (region x nationality base, 1 January 2012).

Called by ``build_belgium.py`` (``python tools/build_belgium.py``). The
estimates come from ``belgium_nationality.py``; this module runs them, checks
them against the published figures (a failed check raises
:class:`buildlib.BuildError`), projects the base one year with projsim's kernel
as a consistency check against the observed 1 January 2013, and writes the
long CSV files, ``meta.toml`` and the ``README.md`` that quotes every measured
value.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from buildlib import BuildError, format_value, toml_array, toml_string, toml_table, write_csv  # noqa: E402
from belgium_common import (  # noqa: E402
    BASE_YEAR, BIRTHS_YEAR, KANNISTO_FIT_2012, KANNISTO_FROM_2012, MORTALITY_YEARS, N_AGES, NATIONALITIES, OPEN_AGE,
    REGIONS, SHORT_REGION, Stocks, f1, fertility_2012, mortality_2012, read_stocks, sex_ratio_at_birth, whole,
)
import belgium_nationality as est  # noqa: E402
from belgium_nationality import BELGIAN, BRUSSELS, FLANDERS, FOREIGN, Assumptions  # noqa: E402

from projsim import engine as kernel  # noqa: E402
from projsim.demography.lifetable import survival_ratios_from_rates  # noqa: E402
from projsim.types import SEXES  # noqa: E402

NAME = "belgium_2012"
FILES = (
    "population", "mortality_rate", "fertility_rate", "birth_nationality", "immigration", "emigration_rate",
    "naturalisation_rate", "internal_migration_rate", "internal_migration_destination", "net_migration",
)
#: Files derived from the GPL-3.0 larray quotients (mortality, and the
#: residual through the deaths).
GPL_FILES = ("mortality_rate.csv", "emigration_rate.csv", "naturalisation_rate.csv", "internal_migration_rate.csv",
             "net_migration.csv")
#: The in-sample projection 2012 -> 2013 must give every region x nationality
#: total within this relative error.
PROJECTION_TOLERANCE = 0.02
#: Accepted gaps of the checks against published figures (stated in the README).
NATURALISATION_TOLERANCE = 0.25  # relative, against the OECD/Statbel acquisitions of 2011 and 2012
BOOK_TOLERANCE = 0.25  # relative, the 2011 net migration of foreigners
INTERNAL_TOLERANCE = 1e-3  # relative, the fitted 2012 out-flows and nets
AGE_GROUPS_5 = [(a, a + 4) for a in range(0, 85, 5)]


# --------------------------------------------------------------------------
# Consistency projection


@dataclass
class ProjectionCheck:
    projected: np.ndarray  # (region, nationality, sex, age) 1 January 2013
    observed: np.ndarray
    naturalisations: float
    brussels_internal_net: float
    births: np.ndarray  # (region, nationality of the child)

    def total_error(self) -> np.ndarray:
        """(region, nationality) relative error of the totals."""
        return self.projected.sum((2, 3)) / self.observed.sum((2, 3)) - 1

    def group_error(self, by_nationality: bool) -> tuple[float, str]:
        """Largest absolute relative error over region (x nationality) x sex x 5-year group 0-84."""
        worst, where = 0.0, ""
        projected = self.projected if by_nationality else self.projected.sum(1, keepdims=True)
        observed = self.observed if by_nationality else self.observed.sum(1, keepdims=True)
        for r in range(len(REGIONS)):
            for n in range(projected.shape[1]):
                for s, sex in enumerate(SEXES):
                    for first, last in AGE_GROUPS_5:
                        p = projected[r, n, s, first:last + 1].sum()
                        o = observed[r, n, s, first:last + 1].sum()
                        error = p / o - 1
                        if abs(error) > abs(worst):
                            label = f"{SHORT_REGION[REGIONS[r]]}"
                            if by_nationality:
                                label += f" {NATIONALITIES[n]}"
                            worst, where = error, f"{label} {sex} {first}-{last}"
        return worst, where


def project_one_year(population, mortality_rate, fertility_rate, sex_ratio, immigration, emigration_rate,
                     internal_rate, destination, naturalisation_rate, birth_share) -> tuple[np.ndarray, dict]:
    """One step of the region x nationality model with projsim's kernel, in the planned engine order.

    ``projsim.engine.step`` runs the international migrants ("even" timing),
    survival and births on the six states (region x nationality, flattened);
    then the share ``birth_share[r]`` of the surviving children of foreign
    mothers of region r moves to the Belgian state of the region; then the
    internal moves (block-diagonal destination: nobody changes nationality by
    moving); then naturalisation, foreign -> Belgian in the same region,
    Q (1 - exp(-nu)) of the end-of-year foreigners.
    """
    states = len(REGIONS) * len(NATIONALITIES)
    shape = (1, states, len(SEXES), N_AGES)
    survival = survival_ratios_from_rates(mortality_rate.reshape(states, len(SEXES), N_AGES), np.array(SEXES))
    rates = kernel.Rates(
        survival=survival[None],
        fertility_rate=fertility_rate.reshape(1, states, N_AGES),
        sex_ratio_at_birth=np.full((1, states), sex_ratio),
        immigration=immigration.reshape(shape),
        emigration_rate=emigration_rate.reshape(shape),
    )
    end, flows = kernel.step(population.reshape(shape).astype(float), rates, timing="even", safeguard="reduce")
    end = end.reshape(population.shape)
    infants = (survival[..., 0] * flows.births[0]).reshape(len(REGIONS), len(NATIONALITIES), len(SEXES))
    born_belgian = birth_share[:, None] * infants[:, FOREIGN]
    end[:, FOREIGN, :, 0] -= born_belgian
    end[:, BELGIAN, :, 0] += born_belgian
    block = np.zeros((1, states, states))
    for n in range(len(NATIONALITIES)):
        index = [r * len(NATIONALITIES) + n for r in range(len(REGIONS))]
        block[0][np.ix_(index, index)] = destination[n]
    moved_in, moved_out = kernel.move_between(end.reshape(shape), internal_rate.reshape(shape), block, 1)
    end = end + (moved_in - moved_out).reshape(end.shape)
    naturalised = end[:, FOREIGN] * -np.expm1(-naturalisation_rate[:, FOREIGN])
    end[:, FOREIGN] -= naturalised
    end[:, BELGIAN] += naturalised
    net_internal = (moved_in - moved_out).reshape(end.shape)
    births = flows.births[0].sum(-1).reshape(len(REGIONS), len(NATIONALITIES))
    child = np.stack([births[:, BELGIAN] + birth_share * births[:, FOREIGN], (1 - birth_share) * births[:, FOREIGN]], 1)
    return end, {
        "naturalisations": float(naturalised.sum()),
        "brussels_internal_net": float(net_internal[BRUSSELS].sum()),
        "births": child,
    }


# --------------------------------------------------------------------------
# Building


@dataclass
class Estimates:
    stocks: Stocks
    mortality: object
    nationality_mortality: object
    fertility: object
    nationality_fertility: object
    birth: object
    srb: tuple[float, int, int]
    profile: object
    eurostat: dict
    observed: object
    targets: object
    main: object
    variants: dict
    rates: dict
    immigration_2012: np.ndarray
    projection: ProjectionCheck
    variant_projection: dict
    published: dict


def estimate() -> Estimates:
    """Every estimate and check of the folder."""
    stocks = read_stocks()
    mortality = mortality_2012(stocks)
    nationality_mortality = est.mortality_by_nationality(stocks, mortality)
    fertility = fertility_2012(stocks.regional)
    nationality_fertility = est.fertility_by_nationality(stocks, fertility)
    birth = est.birth_nationality(stocks, nationality_fertility)
    srb = sex_ratio_at_birth(BIRTHS_YEAR)
    profile = est.immigrant_profile()
    eurostat = est.eurostat_immigration()
    observed = est.observed_residuals(stocks, nationality_fertility, birth, profile, eurostat)
    targets = est.internal_targets()

    belgian_net_2011 = est.book_figure("Belgian citizens", "net international migration")
    belgian_emigrants = eurostat[est.IDENTIFICATION_YEAR]["Belgian"] - belgian_net_2011
    main = est.decompose(observed, targets, profile, Assumptions("main", belgian_emigrants))
    myria = np.mean([est.component_figure(year, "Belgium", "emigration_belgian_citizens")
                     for year in est.DECOMPOSITION_YEARS])
    variants = {
        "Belgian emigrants like the Belgian immigrants of the census": Assumptions(
            "immigrant_profile", belgian_emigrants, belgian_shape="immigrant_profile", rho=main.rho),
        f"Belgian emigrants {f1(myria)} a year (Myria, mean 2010-2012)": Assumptions(
            "myria", float(myria), rho=main.rho),
        "naturalisation schedules by region": Assumptions(
            "regional", belgian_emigrants, naturalisation="regional", rho=main.rho),
        "Brussels foreigners' internal out-rates = the Belgians' (rho = 1)": Assumptions(
            "rho_one", belgian_emigrants, rho=1.0),
    }
    variants = {label: est.decompose(observed, targets, profile, a, start_factor=main.factor or 0.07)
                for label, a in variants.items()}
    rates = est.rates(main)
    immigration_2012 = est.immigration_counts(profile, eurostat[BASE_YEAR])

    def projection_of(decomposition):
        r = est.rates(decomposition)
        end, extra = project_one_year(
            stocks.population[BASE_YEAR], nationality_mortality.rate, nationality_fertility.rate, srb[0],
            immigration_2012, r["emigration_rate"], r["internal_migration_rate"],
            np.stack([decomposition.share, decomposition.share]), r["naturalisation_rate"], birth.share_belgian,
        )
        return ProjectionCheck(end, stocks.population[BASE_YEAR + 1], extra["naturalisations"],
                               extra["brussels_internal_net"], extra["births"])

    projection = projection_of(main)
    variant_projection = {label: projection_of(v) for label, v in variants.items()}
    published = {
        "belgian_net_2011": belgian_net_2011,
        "foreign_net_2011": est.book_figure("foreign citizens", "net international migration"),
        "total_net_2011": est.book_figure("total population", "net international migration"),
        "foreign_immigration_2011": est.book_figure("foreign citizens", "immigrations"),
        "foreign_emigration_2011": est.book_figure("foreign citizens", "emigrations"),
        "naturalisation": est.naturalisation_figures(),
        "myria": {year: est.component_figure(year, "Belgium", "emigration_belgian_citizens")
                  for year in est.DECOMPOSITION_YEARS},
        "belgium_net": est.published_international_net(),
        "brussels_2012": {c: est.component_figure(2012, "Brussels-Capital Region", f"international_{c}")
                          for c in ("immigration", "emigration", "net_migration")},
        "wallonia_total_net": {year: est.component_figure(year, "Walloon Region", "total_net_migration")
                               for year in (2009, 2010)},
    }
    result = Estimates(stocks, mortality, nationality_mortality, fertility, nationality_fertility, birth, srb,
                       profile, eurostat, observed, targets, main, variants, rates, immigration_2012, projection,
                       variant_projection, published)
    check(result)
    return result


def check(e: Estimates) -> None:
    """The checks against published figures and the identities; BuildError on failure."""
    # Immigration of the base file: Eurostat 2012 exactly.
    total, belgian = e.immigration_2012.sum(), e.immigration_2012[:, BELGIAN].sum()
    expected = est.EUROSTAT_IMMIGRATION_2012
    if abs(total - expected["total"]) > 1e-6 or abs(belgian - expected["Belgian"]) > 1e-6:
        raise BuildError(f"immigration.csv: {total} immigrants of which {belgian} Belgian, expected "
                         f"{expected['total']} and {expected['Belgian']}")
    # Naturalisations against the OECD/Statbel acquisitions of 2011 and 2012.
    for year in (2011, 2012):
        published = e.published["naturalisation"][(year, "acquisitions_of_belgian_nationality")]
        got = e.main.naturalisation[est.DECOMPOSITION_YEARS.index(year)].sum()
        if abs(got / published - 1) > NATURALISATION_TOLERANCE:
            raise BuildError(f"naturalisation {year}: {got:,.0f} estimated, {published:,.0f} published "
                             f"(OECD/Statbel); more than {NATURALISATION_TOLERANCE:.0%} apart")
    # The book's 2011 net migration of foreigners (Centrum / ADSEI).
    t = est.DECOMPOSITION_YEARS.index(2011)
    foreign_net = (e.main.immigration[t] - e.main.emigration[t])[:, FOREIGN].sum()
    if abs(foreign_net / e.published["foreign_net_2011"] - 1) > BOOK_TOLERANCE:
        raise BuildError(f"2011 net migration of foreigners: {foreign_net:,.0f} from the rates, "
                         f"{e.published['foreign_net_2011']:,.0f} in the book; more than {BOOK_TOLERANCE:.0%} apart")
    # Internal migration: the 2012 out-flows and nets, destination rows.
    last = len(est.DECOMPOSITION_YEARS) - 1
    out = e.main.internal_out[last].sum((1, 2, 3))
    net = (e.main.internal_in[last] - e.main.internal_out[last]).sum((1, 2, 3))
    gaps = np.abs(out / e.targets.out_total - 1)
    if gaps.max() > INTERNAL_TOLERANCE:
        raise BuildError(f"internal migration: 2012 out-flows {out} against {e.targets.out_total}")
    if abs(net[BRUSSELS] / -e.targets.brussels_net_2012 - 1) > INTERNAL_TOLERANCE or \
            abs(net[FLANDERS] / e.targets.flanders_net_2012 - 1) > INTERNAL_TOLERANCE:
        raise BuildError(f"internal migration: 2012 nets {net}, expected Brussels -{e.targets.brussels_net_2012:,.0f} "
                         f"and Flanders +{e.targets.flanders_net_2012:,.0f}")
    if not np.allclose(e.main.share.sum(1), 1.0, rtol=0, atol=1e-12) or np.any(np.diag(e.main.share) != 0):
        raise BuildError("internal migration: destination rows must sum to 1 with a zero diagonal")
    # Accounting identity of the decomposition, cell by cell, and the rates reproduce the fitted flows.
    model = e.main.immigration - e.main.emigration + e.main.internal_in - e.main.internal_out + \
        e.main.naturalisation_net() + e.main.misfit
    if np.abs(model - e.observed.residual).max() > 1e-6:
        raise BuildError("decomposition: the components and the misfit do not add up to the residual")
    back = -np.expm1(-e.rates["emigration_rate"]) * e.observed.start
    if np.abs(back - e.main.emigration_probability * e.observed.start).max() > 1e-6:
        raise BuildError("emigration_rate.csv does not give back the fitted emigrants")
    if np.any(e.rates["naturalisation_rate"][:, BELGIAN] != 0):
        raise BuildError("naturalisation of Belgians must be zero")
    # The one-year projection against the observed 1 January 2013.
    error = e.projection.total_error()
    if np.abs(error).max() > PROJECTION_TOLERANCE:
        raise BuildError(f"projection 2012 -> 2013: region x nationality totals off by {error} (relative), more than "
                         f"{PROJECTION_TOLERANCE:.0%}")


# --------------------------------------------------------------------------
# Writing


def cell_rows(*arrays, convert=float) -> list[tuple]:
    """Rows (region, nationality, sex, age, value...) of (region, nationality, sex, age) arrays."""
    return [
        (region, nationality, sex, age, *(convert(a[r, n, s, age]) for a in arrays))
        for r, region in enumerate(REGIONS)
        for n, nationality in enumerate(NATIONALITIES)
        for s, sex in enumerate(SEXES)
        for age in range(N_AGES)
    ]


def build(out_dir: Path) -> list[str]:
    """Compute, check and write ``belgium_2012``; return the printed report."""
    e = estimate()
    out_dir.mkdir(parents=True, exist_ok=True)
    population = e.stocks.population[BASE_YEAR]
    keys = ["region", "nationality", "sex", "age"]
    write_csv(out_dir / "population.csv", keys + ["population"], cell_rows(population, convert=whole))
    write_csv(out_dir / "mortality_rate.csv", keys + ["mortality_rate"], cell_rows(e.nationality_mortality.rate))
    write_csv(
        out_dir / "fertility_rate.csv", ["region", "nationality", "age", "fertility_rate"],
        [(region, nationality, age, float(e.nationality_fertility.rate[r, n, age]))
         for r, region in enumerate(REGIONS) for n, nationality in enumerate(NATIONALITIES) for age in range(N_AGES)],
    )
    birth_rows = []
    for r, region in enumerate(REGIONS):
        birth_rows += [(region, "Belgian", "Belgian", 1.0), (region, "Belgian", "foreign", 0.0),
                       (region, "foreign", "Belgian", float(e.birth.share_belgian[r])),
                       (region, "foreign", "foreign", float(1 - e.birth.share_belgian[r]))]
    write_csv(out_dir / "birth_nationality.csv", ["region", "mother_nationality", "child_nationality", "share"],
              birth_rows)
    write_csv(out_dir / "immigration.csv", keys + ["immigration"], cell_rows(e.immigration_2012))
    for name in ("emigration_rate", "naturalisation_rate", "internal_migration_rate"):
        write_csv(out_dir / f"{name}.csv", keys + [name], cell_rows(e.rates[name]))
    write_csv(
        out_dir / "internal_migration_destination.csv", ["nationality", "origin", "destination", "share"],
        [(nationality, origin, destination, float(e.main.share[o, d]))
         for nationality in NATIONALITIES for o, origin in enumerate(REGIONS) for d, destination in enumerate(REGIONS)],
    )
    net = net_migration_columns(e)
    write_csv(out_dir / "net_migration.csv", keys + list(net), cell_rows(*net.values()))
    (out_dir / "meta.toml").write_text(meta_toml(e), encoding="utf-8")
    (out_dir / "README.md").write_text(readme(e), encoding="utf-8")
    return report(e, out_dir)


def net_migration_columns(e: Estimates) -> dict[str, np.ndarray]:
    total = e.observed.residual.mean(0)
    internal = (e.main.internal_in - e.main.internal_out).mean(0)
    naturalisation = e.main.naturalisation_net().mean(0)
    return {
        "net_migration_total": total,
        "internal_net_migration": internal,
        "naturalisation_net": naturalisation,
        "international_net_migration": total - internal - naturalisation,
    }


def meta_toml(e: Estimates) -> str:
    srb, male, female = e.srb
    intervals = ", ".join(f"{t}->{t + 1}" for t in est.DECOMPOSITION_YEARS)
    main = e.main
    methods = {
        "population": f"Statbel 1 Jan {BASE_YEAR} by region, nationality, sex and age 0-99 and 100+; each 100+ split "
        "over 100..109 and 110+ in proportion to HMD's national population of the same year and sex (whole persons, "
        "largest remainder).",
        "mortality_rate": "The regional rates of belgium_2012_regions (HMD 2010-2012 times regional register-death ratios) "
        "times a nationality ratio of register deaths (larray quotients, GPL-3.0) in the groups 0-19, 20-39, 40-59, "
        f"60-79, 80-94, pooled {MORTALITY_YEARS[0]}-{MORTALITY_YEARS[-1]}; ages {KANNISTO_FROM_2012}+ from a Kannisto "
        "fit "
        f"to {KANNISTO_FIT_2012[0]}-{KANNISTO_FIT_2012[1]}.",
        "fertility_rate": "The regional rates of belgium_2012_regions with foreign women's rates 2.52/1.74 times the Belgian "
        "women's (FPB, TFR 2006-08), each region's 2011 births kept.",
        "sex_ratio_at_birth": f"HMD live births {BIRTHS_YEAR}, male / female ({male:,} / {female:,}).",
        "birth_nationality": "Children of Belgian mothers are Belgian; the share of the children of foreign mothers "
        "born Belgian is 1 - (foreign 0-year-olds) / (0-year-olds x share of births to foreign mothers), pooled over "
        "1 January 2010-2013.",
        "immigration": f"Eurostat migr_imm1ctz {BASE_YEAR}: Belgian citizens "
        f"{est.EUROSTAT_IMMIGRATION_2012['Belgian']:,}, "
        "the rest of the total 129,477 foreign; spread by the census 2011 persons who lived abroad a year earlier by "
        "region, sex and 5-year group, graduated to single years (monotone spline of the cumulated counts), "
        "age at migration = census age - 1/2.",
        "emigration_rate": f"Fitted with naturalisation and internal migration to the residual of {intervals} (smooth "
        "non-negative P-spline schedules); Belgians' rates = c x the foreign rates of the region, with c such that "
        f"Belgians emigrate {f1(main.assumptions.belgian_emigrants)} a year (Eurostat 2011 Belgian immigrants minus "
        "the 2011 net of Belgians, -9,963, Centrum/ADSEI). Hazard -log(1 - p).",
        "naturalisation_rate": f"Fitted with emigration and internal migration to the residual of {intervals}: one "
        "schedule by sex and end age for the three regions; nu = log(1 + Nat / foreigners at the end of the year); "
        "0 for Belgians.",
        "internal_migration_rate": f"Fitted to the residuals of {intervals}, the census 2011 age-sex-nationality shape "
        "of the moves into Brussels and the 2012 out-flows (the 2019 matrix scaled and adjusted to the 2012 nets of "
        "Brussels and Flanders), on the end-of-year population; Brussels foreigners' rates = rho x the Brussels "
        f"Belgians' (rho = {main.rho:.3f}, estimated). Hazard -log(1 - p), by age at the end of the year.",
        "internal_migration_destination": "Shares of the 2012 matrix (2019 Statbel-based flows scaled by Brussels' "
        "net loss 2012/2019 and adjusted to the 2012 nets); the same for both nationalities.",
        "net_migration_total": f"Residual P(t+1,x) - P(t,x-1)(1-q) by region, nationality, sex, end age, mean of "
        f"{intervals}; age 0: births by the child's nationality times HMD infant survival.",
        "internal_net_migration": "In - out of the fitted internal rates, same intervals.",
        "naturalisation_net": "+ naturalisations for Belgians, - for foreigners, from the fitted rates.",
        "international_net_migration": "net_migration_total - internal_net_migration - naturalisation_net (includes "
        "statistical adjustments and the misfit).",
    }
    lines = [
        "# projsim embedded data set: Belgium by region and nationality, base 1 January 2012.",
        "# Generated by tools/build_belgium.py from data-raw/belgium/; do not edit by hand.",
        "# Files, units, age conventions, methods and licences: README.md in this folder.",
        f"name = {toml_string(NAME)}",
        f'base_date = "{BASE_YEAR}-01-01"',
        f"year = {BASE_YEAR}",
        "# Column of net_migration.csv with the net migration from abroad (the other columns hold the total",
        "# residual, its interregional part and the naturalisations).",
        'net_migration_column = "international_net_migration"',
        f"regions = {toml_array(REGIONS)}",
        f"sexes = {toml_array(SEXES)}",
        f"sex_ratio_at_birth = {format_value(srb)}",
        "",
        "[states]",
        f"region = {toml_array(REGIONS)}",
        f"nationality = {toml_array(NATIONALITIES)}",
        "",
        toml_table("ages", {"first": 0, "last": OPEN_AGE, "open_age": OPEN_AGE}),
        toml_table("files", {stem: f"{stem}.csv" for stem in FILES}),
        toml_table("units", {
            "population": "persons on 1 January 2012",
            "mortality_rate": "deaths per person-year",
            "fertility_rate": "live births per woman per year",
            "sex_ratio_at_birth": "male live births per female live birth",
            "birth_nationality": "fraction of the children of the mother's state",
            "immigration": "persons per year",
            "emigration_rate": "per person-year (hazard); emigrants = P * (1 - exp(-rate)), P at the start of the year",
            "naturalisation_rate": "per person-year (hazard); naturalised = Q * (1 - exp(-rate)), Q foreigners at the "
            "end of the year after internal moves",
            "internal_migration_rate": "per person-year (hazard); out-migrants = Q * (1 - exp(-rate)), Q at the end of "
            "the year",
            "internal_migration_destination": "fraction of the origin's out-migrants",
            "net_migration": "persons per year",
        }),
        toml_table("age_meaning", {
            "population": "completed age on 1 January 2012",
            "mortality_rate": "completed age during the year (Lexis square)",
            "fertility_rate": "completed age of the mother during the year (Lexis square)",
            "immigration": "completed age at migration (Lexis square)",
            "emigration_rate": "completed age on 1 January at the start of the year (the population it applies to)",
            "naturalisation_rate": "age on 1 January at the end of the year",
            "internal_migration_rate": "age on 1 January at the end of the year",
            "net_migration": "age on 1 January at the end of the year: the cohort aged age-1 at the start, or born "
            "during the year for age 0",
        }),
        toml_table("identification", {
            "belgian_emigrants_per_year": main.assumptions.belgian_emigrants,
            "belgian_to_foreign_emigration_factor": main.factor,
            "brussels_foreign_to_belgian_internal_ratio": main.rho,
        }),
        toml_table("internal_migration.out_flow_total_2012",
                   {region: e.targets.out_total[i] for i, region in enumerate(REGIONS)}),
        toml_table("sources", {
            "statbel_population": "Statbel, population on 1 January by region, nationality, sex and age (National "
            "Register, legal population, without asylum seekers), 2009-2013; attribution to Statbel required",
            "larray_register": "Belgian register prospective death quotients by region, nationality, sex and age "
            "2009-2012 (FPB), test data of the larray package: GPL-3.0 (files derived from them: "
            + ", ".join(GPL_FILES) + ")",
            "hmd": "Human Mortality Database, UC Berkeley and MPIDR, www.mortality.org (25 Sep 2021 version, CC BY "
            "4.0): deaths, exposures, births, Lexis deaths, e0, population 100+",
            "hfc": "Human Fertility Collection (MPIDR, VID), standardized ASFR of Belgium, 2010",
            "eurostat": "Eurostat, migr_imm1ctz (immigration by citizenship), Belgium 2010-2012, CC BY 4.0",
            "census_2011": "Statbel, Census 2011 hypercube TF_CENSUS_2011_HC46_L (residence one year earlier)",
            "interregional_flows": "IBSA / Statistiek Vlaanderen / Statbel: 2019 gross flows, Brussels' 2012 and "
            "2013 net losses, Flanders' 2012 growth shares, copied from web pages",
            "published_checks": "Centrum / ADSEI figures in Migratiemaatschappij (2014); OECD / Justice ministry "
            "acquisitions of nationality; Myria; IBSA; IWEPS (copied from web pages)",
            "provenance": "data-raw/belgium/SOURCES.md",
        }),
        toml_table("method", methods),
    ]
    return "\n".join(lines)


def report(e: Estimates, out_dir: Path) -> list[str]:
    main = e.main
    lines = [f"{NAME} -> {out_dir}"]
    population = e.stocks.population[BASE_YEAR]
    lines.append(f"  population 1 Jan 2012: {population.sum():,.0f}, foreigners {population[:, FOREIGN].sum():,.0f}")
    lines.append("  TFR Belgian / foreign women: " + ", ".join(
        f"{SHORT_REGION[r]} {e.nationality_fertility.tfr[i, 0]:.3f} / {e.nationality_fertility.tfr[i, 1]:.3f}"
        for i, r in enumerate(REGIONS)))
    lines.append("  children of foreign mothers born Belgian: " + ", ".join(
        f"{SHORT_REGION[r]} {e.birth.share_belgian[i]:.3f}" for i, r in enumerate(REGIONS)))
    lines.append(f"  identification: Belgian emigrants {main.assumptions.belgian_emigrants:,.0f}/yr, factor "
                 f"{main.factor:.5f}, rho {main.rho:.3f}")
    for t, year in enumerate(est.DECOMPOSITION_YEARS):
        lines.append(
            f"  {year}: naturalisations {main.naturalisation[t].sum():,.0f}; emigrants Belgian "
            f"{main.emigration[t][:, BELGIAN].sum():,.0f} foreign {main.emigration[t][:, FOREIGN].sum():,.0f}; "
            f"misfit Belgian {main.misfit[t][:, BELGIAN].sum():,.0f} foreign {main.misfit[t][:, FOREIGN].sum():,.0f}"
        )
    error = e.projection.total_error()
    lines.append("  projection 2012->2013, region x nationality total errors (%): " + ", ".join(
        f"{SHORT_REGION[r]} {100 * error[i, 0]:+.2f} / {100 * error[i, 1]:+.2f}" for i, r in enumerate(REGIONS)))
    worst, where = e.projection.group_error(False)
    lines.append(f"  projection 2012->2013, region x sex x 5-year group 0-84: max {100 * worst:+.2f} % ({where})")
    return lines


# --------------------------------------------------------------------------
# README


def readme(e: Estimates) -> str:
    from belgium_nationality_readme import render  # the README module imports this one

    return render(e)
