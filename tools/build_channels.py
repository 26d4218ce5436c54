"""Derive the Belgian channel set shipped in ``src/projsim/data/channels_belgium_2012/``.

Run from the repository root::

    python tools/build_channels.py              # writes src/projsim/data/channels_belgium_2012/
    python tools/build_channels.py --out DIR    # writes DIR/channels_belgium_2012/

The script reads only ``data-raw/belgium/eurostat_migr_imm1ctz_BE_citizenship_2010_2012.csv``
and ``data-raw/belgium/migration_channels/`` (``SOURCES.md`` there gives the provenance
and licence of every file). It splits the immigrants of foreign nationality of 2011 and
2012 into six channels (:data:`projsim.types.CHANNELS`) and writes ``channels.toml``
(each channel's level, age-sex profile and regional distribution, in the keys of a
scenario's ``[international_migration.channels]``) and ``README.md``, which quotes the
figures computed here.

**Levels** (persons per year, the mean of 2011 and 2012):

* ``eu_free_movement``: immigrants who are citizens of another EU-27 country (Eurostat
  ``migr_imm1ctz``, "EU27 countries (2007-2013) except reporting country");
* ``international_protection``: persons granted refugee or subsidiary protection status
  (Eurostat, as printed in *Migratiemaatschappij*, 2014): recognised refugees enter the
  register when protected, asylum seekers are not counted as immigrants before;
* ``family``, ``labour``, ``study``, ``other``: the other immigrants of foreign nationality
  (all foreigners less EU-27 citizens, with stateless and unknown citizenship, less the
  protected persons), shared by the reasons of the first residence permits issued to
  citizens of third countries in 2011 (Immigration Office, DVZ, in the same book): family
  0.42, paid work 0.08, study 0.07, humanitarian 0.10 and other reasons 0.27 (both in
  ``other``: the humanitarian permits are mostly regularisations), without the 0.06 of
  international protection, which the recognitions measure directly.

**Profiles and regions** are assumptions, stated as such in the README: the data give no
age, sex or region by channel. Five channels take a Rogers-Castro model schedule (Rogers
and Castro 1981) with the parameters of :data:`PROFILES` and a share of women; ``other``
takes the census 2011 profile of the base's immigrants of foreign nationality. Every
channel goes to the regions as the base's immigrants of foreign nationality do.

``tests/io/test_channels_data.py`` rebuilds into a temporary directory and compares the
files byte for byte. A failed check raises :class:`BuildError`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from buildlib import RAW_DIR, BuildError, format_value, markdown_table, read_rows, run  # noqa: E402

DATA_SET = "channels_belgium_2012"
CHANNELS_RAW = RAW_DIR / "migration_channels"
EUROSTAT_FILE = RAW_DIR / "eurostat_migr_imm1ctz_BE_citizenship_2010_2012.csv"
BOOK_FILE = CHANNELS_RAW / "book_migration_figures_channels_2008_2012.csv"
PERMITS_FILE = CHANNELS_RAW / "eurostat_valid_permits_by_reason_BE_2010_2017.csv"
YEARS = (2011, 2012)
EU = "EU27 countries (2007-2013) except reporting country"
#: Reasons of the first residence permits of third-country nationals, 2011 (DVZ), by channel.
PERMIT_REASONS = {"family": ("share family reasons",), "labour": ("share paid work",),
                  "study": ("share study",),
                  "other": ("share humanitarian", "share other reasons")}
PROTECTION_REASON = "share international protection"
#: The channels' age-sex profiles: ASSUMPTIONS, not estimates. Rogers and Castro's
#: (1981) model schedule m(x) = a1 exp(-alpha1 x) + a2 exp(-alpha2 (x - mu2)
#: - exp(-lambda2 (x - mu2))) + c, whose "standard" parameters (a1 0.02, alpha1 0.10,
#: a2 0.06, alpha2 0.10, mu2 20, lambda2 0.40, c 0.003; Rogers, Little and Raymer 2010,
#: ch. 2) are moved as the literature describes each flow: a "family" schedule with a
#: strong childhood component (children joining a parent, spouses in their twenties);
#: a "labour-dominant" one with few children and a later, wider peak; students with a
#: narrow peak at 18-25 and no children; asylum with young adults and children. The
#: shares of women are round numbers chosen to state the direction (more women among
#: spouses joining, more men among workers and protected persons), not measurements.
PROFILES = {
    "eu_free_movement": ({"a1": 0.02, "alpha1": 0.10, "a2": 0.06, "alpha2": 0.10, "mu2": 22.0,
                          "lambda2": 0.40, "c": 0.003}, 0.5),
    "family": ({"a1": 0.04, "alpha1": 0.10, "a2": 0.07, "alpha2": 0.12, "mu2": 20.0,
                "lambda2": 0.50, "c": 0.002}, 0.6),
    "international_protection": ({"a1": 0.03, "alpha1": 0.10, "a2": 0.07, "alpha2": 0.12,
                                  "mu2": 17.0, "lambda2": 0.50, "c": 0.002}, 0.35),
    "labour": ({"a1": 0.005, "alpha1": 0.10, "a2": 0.06, "alpha2": 0.08, "mu2": 22.0,
                "lambda2": 0.30, "c": 0.001}, 0.3),
    "study": ({"a1": 0.0, "alpha1": 0.10, "a2": 0.10, "alpha2": 0.30, "mu2": 18.0,
               "lambda2": 0.80, "c": 0.0005}, 0.5),
    "other": ("base", None),
}
CHANNELS = ("eu_free_movement", "family", "international_protection", "labour", "study", "other")
#: The permits that measure international protection in the stocks of valid permits.
PROTECTION_PERMITS = ("Refugee status", "Subsidiary protection status")


def immigrants() -> dict[int, dict[str, float]]:
    """Eurostat immigrants of 2011 and 2012: foreign (total less Belgian) and EU-27 citizens."""
    rows = read_rows(EUROSTAT_FILE)
    value = {(int(r["year"]), r["citizenship"]): float(r["immigrants"]) for r in rows}
    out = {}
    for year in YEARS:
        foreign = value[year, "Total"] - value[year, "Reporting country"]
        out[year] = {"foreign": foreign, "eu": value[year, EU]}
    if out[2012]["foreign"] != 116055:
        raise BuildError(f"foreign immigrants 2012: {out[2012]['foreign']:,.0f}, expected 116,055 "
                         "(the base belgium_2012)")
    return out


def book() -> dict[tuple[str, str, str], float]:
    """The book's rows by (topic, year, measure)."""
    return {(r["topic"], r["year"], r["measure"]): float(r["value"]) for r in read_rows(BOOK_FILE)}


def levels() -> tuple[dict[str, float], dict[str, object]]:
    """Each channel's level [persons per year], mean of 2011 and 2012, and the figures behind it."""
    flows, figures = immigrants(), book()
    protected = {y: figures["asylum_persons", str(y), "refugee status granted (persons)"]
                 + figures["asylum_persons", str(y), "subsidiary protection (persons)"] for y in YEARS}
    shares = {c: sum(figures["first_residence_permits", "2011", m] for m in measures)
              for c, measures in PERMIT_REASONS.items()}
    protection_share = figures["first_residence_permits", "2011", PROTECTION_REASON]
    if abs(sum(shares.values()) + protection_share - 1.0) > 1e-9:
        raise BuildError("the permit shares of 2011 do not sum to 1")
    by_year = {}
    for year in YEARS:
        rest = flows[year]["foreign"] - flows[year]["eu"] - protected[year]
        by_year[year] = {"eu_free_movement": flows[year]["eu"],
                         "international_protection": protected[year],
                         **{c: rest * s / (1.0 - protection_share) for c, s in shares.items()}}
        total = sum(by_year[year].values())
        if abs(total - flows[year]["foreign"]) > 1e-6:
            raise BuildError(f"channels of {year} sum to {total}, not {flows[year]['foreign']}")
    level = {c: round(sum(by_year[y][c] for y in YEARS) / len(YEARS), 1) for c in CHANNELS}
    return level, {"flows": flows, "protected": protected, "shares": shares,
                   "protection_share": protection_share, "by_year": by_year}


def surge() -> dict[int, float]:
    """Yearly increase of the valid permits of international protection (stocks on 31 December)."""
    stock = {}
    for row in read_rows(PERMITS_FILE):
        if row["Reason"] in PROTECTION_PERMITS:
            year = int(row["year"])
            stock[year] = stock.get(year, 0.0) + float(row["number_of_permits"])
    return {y: stock[y] - stock[y - 1] for y in sorted(stock) if y - 1 in stock}


def channels_toml(level: dict[str, float]) -> str:
    """The set's ``channels.toml``."""
    lines = [
        "# projsim channel set: immigration of foreigners in Belgium by channel, 2011-2012.",
        "# Generated by tools/build_channels.py from data-raw/belgium/; do not edit by hand.",
        "# Levels from data (README.md); profiles and regions are ASSUMPTIONS (README.md).",
        'name = "belgium-2012"',
        'description = "Immigrants of foreign nationality in Belgium by channel, mean of 2011 '
        'and 2012 (Eurostat, DVZ, CGVS via Migratiemaatschappij 2014)"',
        "# The profiles below are raked to the base's immigrants of foreign nationality",
        "# (projsim.assumptions.migration.raked_distributions): at these levels the",
        "# channels sum to the base's profile by region, sex and age.",
        'anchor = "base"',
        "",
    ]
    for channel in CHANNELS:
        profile, share = PROFILES[channel]
        lines.append(f"[channels.{channel}]")
        lines.append(f"level = {format_value(level[channel])}")
        if isinstance(profile, str):
            lines.append(f'profile = "{profile}"')
        else:
            params = ", ".join(f"{k} = {format_value(v)}" for k, v in profile.items())
            lines.append(f"profile = {{ {params} }}")
            lines.append(f"female_share = {format_value(share)}")
        lines.append('regions = "base"')
        lines.append("")
    return "\n".join(lines)


def readme(level: dict[str, float], info: dict, increments: dict[int, float]) -> str:
    """The set's README, with the figures computed here."""
    flows, by_year = info["flows"], info["by_year"]
    rows = [[c, *(f"{by_year[y][c]:,.0f}" for y in YEARS), f"{level[c]:,.1f}",
             f"{100 * level[c] / sum(level.values()):.1f} %"] for c in CHANNELS]
    rows.append(["all foreigners", *(f"{flows[y]['foreign']:,.0f}" for y in YEARS),
                 f"{sum(level.values()):,.1f}", "100.0 %"])
    profile_rows = [[c, *(format_value(PROFILES[c][0][k]) for k in PROFILES[c][0]),
                     format_value(PROFILES[c][1])] for c in CHANNELS if PROFILES[c][1] is not None]
    reference = (increments[2011] + increments[2012]) / 2
    surge_years = (2015, 2016)
    peak = sum(increments[y] for y in surge_years) / len(surge_years)
    increment_rows = [[str(y), f"{increments[y]:,.0f}"] for y in sorted(increments)]
    return f"""# Belgian channel set 2011-2012: immigration of foreigners by channel

The channel set `belgium-2012`, which a scenario names with `set = "belgium-2012"` in
`[international_migration.channels]` (README of the repository, "Channels"). **Generated** by
`tools/build_channels.py` from `data-raw/belgium/` (provenance: `data-raw/belgium/SOURCES.md` and
`data-raw/belgium/migration_channels/SOURCES.md`); do not edit by hand.
`tests/io/test_channels_data.py` checks that the shipped files equal a rebuild.

## Levels (data)

Immigrants of foreign nationality [persons per year] by channel. The mean of 2011 and 2012 is the level
of `channels.toml`.

{markdown_table(["channel", *map(str, YEARS), "level (mean)", "share"], rows)}

* **All foreigners**: Eurostat `migr_imm1ctz`, all immigrants less the citizens of the reporting country
  (foreign, stateless and unknown citizenship); 2012 is the base `belgium_2012`'s 116,055.
* **eu_free_movement**: Eurostat `migr_imm1ctz`, citizens of the other EU-27 countries ({flows[2011]['eu']:,.0f}
  and {flows[2012]['eu']:,.0f}). It includes EU citizens joining their family, who move under the same rules.
* **international_protection**: persons granted refugee status or subsidiary protection (Eurostat, printed in
  *Migratiemaatschappij*, Kruispunt Migratie-Integratie, 2014): {info['protected'][2011]:,.0f} and
  {info['protected'][2012]:,.0f}. Asylum seekers are not in the register's immigration before a decision; a
  recognised person is.
* **family, labour, study, other**: the rest of the foreigners (not EU-27 citizens, not protected) shared by
  the reasons of the 60,085 first residence permits issued to third-country nationals in 2011 (Immigration
  Office, DVZ, in the same book): family 0.42, paid work 0.08, study 0.07, humanitarian 0.10 and other reasons
  0.27, divided by 0.94 (without international protection, 0.06, measured by the recognitions). Humanitarian
  permits, mostly regularisations, are in `other`. Applying the permit shares of 2011 to the immigrants of
  2012 is an assumption: the 2011 law on family reunification (in force from September 2011) lowered the
  family permits from 36,828 in 2011 to 30,960 in 2012 (DVZ, all residents), which the shares do not see.

## Profiles and regions (assumptions)

The data give no age, sex or region by channel. The profiles below are **assumptions**: Rogers and Castro's
model migration schedule (Rogers, A. and Castro, L. J. (1981), *Model Migration Schedules*, IIASA RR-81-30;
the standard parameters a1 0.02, alpha1 0.10, a2 0.06, alpha2 0.10, mu2 20, lambda2 0.40, c 0.003 as in
Rogers, Little and Raymer (2010), *The Indirect Estimation of Migration*, Springer, ch. 2), moved as that
literature describes each kind of flow: a strong childhood component for family reunification (children
joining a parent, spouses in their twenties), a labour-dominant schedule with few children and a later,
wider peak for work, a narrow peak at 18-25 without children for study, young adults with children for
international protection. The shares of women are round numbers that state a direction (more women among
joining spouses, more men among workers and protected persons), not measurements.

{markdown_table(["channel", *PROFILES["family"][0], "female_share"], profile_rows)}

`other` takes `profile = "base"`: the base's immigrants of foreign nationality by region, sex and age (the
census 2011 profile of persons who lived abroad a year earlier, `belgium_2012/README.md`). Every channel takes
`regions = "base"`: the regional distribution of the same immigrants (Brussels, Flanders and Wallonia). A
scenario replaces any of these keys channel by channel.

## A surge of international protection (for hypotheses)

Valid permits of refugee and subsidiary protection status on 31 December (Eurostat `migr_resvalid`, stocks),
yearly increase:

{markdown_table(["year", "increase of the stock"], increment_rows)}

The mean increase of {', '.join(map(str, surge_years))} ({peak:,.0f}) is **{peak / reference:.2f}** times that
of 2011-2012 ({reference:,.0f}). Increases of stocks are net of permits ending (naturalisation, departure), so
the ratio is a rough measure of the surge in recognitions; the bundled hypothesis `asylum-surge` uses it.

## Licences

Eurostat data: CC BY 4.0 (cite Eurostat and the table code). Figures of DVZ, CGVS and Eurostat printed in
*Migratiemaatschappij* (Kruispunt Migratie-Integratie, Brussels, 2014), quoted with their source.
"""


def build(out_dir: Path) -> list[str]:
    """Write the channel set into ``out_dir`` and return the report lines."""
    level, info = levels()
    increments = surge()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "channels.toml").write_text(channels_toml(level), encoding="utf-8")
    (out_dir / "README.md").write_text(readme(level, info, increments), encoding="utf-8")
    return [f"{DATA_SET} -> {out_dir}",
            "  levels: " + ", ".join(f"{c} {level[c]:,.0f}" for c in CHANNELS),
            f"  total {sum(level.values()):,.0f} persons per year"]


def main(argv: Sequence[str] | None = None) -> int:
    return run(argv, __doc__.splitlines()[0], {DATA_SET: build})


if __name__ == "__main__":
    sys.exit(main())
