"""The HTML report: self-contained, escaped, with the tables and figures of a result."""

import base64
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import projsim  # noqa: E402
from projsim.cli import EXIT_INPUT, EXIT_OK, main  # noqa: E402
from projsim.errors import InputError  # noqa: E402
from projsim.io import write_netcdf  # noqa: E402
from projsim.report import report_html  # noqa: E402

IMAGE = re.compile(r'<img alt="[^"]*" src="data:image/png;base64,([A-Za-z0-9+/=]+)">')


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def single():
    """Twelve years of the default projection: 2012 to 2023."""
    return projsim.project("belgium-2012").isel(time=slice(0, 12))


@pytest.fixture(scope="module")
def page(single):
    return report_html(single)


@pytest.fixture(scope="module")
def variants():
    return projsim.project("fpb-2013-variants").isel(time=slice(0, 21))


def table(page, caption):
    start = page.index(f"<caption>{caption}</caption>")
    return page[start:page.index("</table>", start)]


def test_self_contained(page):
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
    assert page.rstrip().endswith("</body></html>")
    assert not re.search(r"<(script|link|iframe|object)\b", page)
    assert re.findall(r'\b(?:src|href)="(?!data:image/png;base64,)', page) == []
    assert "url(" not in page and "@import" not in page


def test_figures_are_embedded_pngs(page):
    images = IMAGE.findall(page)
    assert len(images) == page.count("<img") == 9
    for image in images:
        assert base64.b64decode(image).startswith(b"\x89PNG\r\n\x1a\n")
    for title in ("Population pyramid", "Population pyramids by region",
                  "Population pyramids by nationality", "Total population",
                  "Components of change", "Fertility", "Life expectancy",
                  "Old-age dependency ratio", "Private households"):
        assert f"<h3>{title}</h3>" in page
    assert "Uncertainty" not in page


def test_scenario_and_assumptions(page, single):
    assert "<h1>Population projection: belgium-2012</h1>" in page
    assert f'<p class="lead">{single.attrs["scenario_description"]}</p>' in page
    assert ("<tr><th>Timing of migration</th><td>even (half of each year&#x27;s international "
            "migrants arrive on 1 January and half on 31 December)</td></tr>") in page
    assert "<tr><th>Base population</th><td>belgium-2012</td></tr>" in page
    assert f"<code>{single.attrs['sha256_population']}</code>" in page


def test_population_table_by_region(page, single):
    population = table(page, "Population on 1 January [persons]")
    header = re.findall(r'<th class="n">(\d+)</th>', population)
    assert header == ["2012", "2020", "2023"]
    for region in single.region.values:
        value = float(single.population.sel(time=2020, region=region).sum())
        assert f"<tr><th>{region}</th>" in population
        assert f'<td class="n">{value:,.0f}</td>' in population
    assert '<tr><th>Total (Belgium)</th><td class="n">11,035,948</td>' in population


def test_components_and_indicators_tables(page, single):
    components = table(page, "Components of change during the year, Belgium "
                             "[persons per year]")
    assert re.findall(r'<th class="n">(\d+)</th>', components) == ["2012", "2020", "2022"]
    flows = single.sel(time=2012)
    births, deaths = float(flows.births.sum()), float(flows.deaths.sum())
    assert f'<tr><th>Births</th><td class="n">{births:,.0f}</td>' in components
    assert f'<tr><th>Deaths</th><td class="n">{deaths:,.0f}</td>' in components
    assert (f'<tr><th>Natural balance (births - deaths)</th><td class="n">'
            f'{births - deaths:,.0f}</td>') in components
    indicators = table(page, "Key indicators, Belgium")
    for label in ("Total fertility rate [children per woman]",
                  "Life expectancy at birth, females [years]",
                  "Life expectancy at birth, males [years]",
                  "Old-age dependency ratio [persons 67+ per 100 aged 18-66]",
                  "Median age [years]"):
        assert f"<tr><th>{label}</th>" in indicators
    tfr = re.search(r"Total fertility rate.*?</tr>", indicators).group(0)
    # the rates of 2011 held: the national TFR rises as the foreign share grows
    assert re.findall(r'<td class="n">([^<]*)</td>', tfr) == ["1.83", "1.84", "\N{EM DASH}"]


def test_variants_compared(variants):
    page = report_html(variants, years=[2012, 2032], figures=False)
    assert "<img" not in page and "<h2>Figures</h2>" not in page
    assert "The tables and figures of one scenario show the first, <strong>fpb-2013</strong>." \
        in page
    compared = table(page, "The scenarios at the end of the projection, Belgium")
    rows = re.findall(r"<tr><th>([^<]+)</th>((?:<td[^>]*>[^<]*</td>)+)</tr>", compared)
    assert [name for name, _ in rows] == list(variants.scenario.values)
    total = variants.population.sel(time=2032, scenario="zero-migration").sum()
    cells = re.findall(r">([^<]*)</td>", dict(rows)["zero-migration"])
    assert cells[0] == f"{float(total):,.0f}"
    assert len(cells) == 7


def test_draws_give_medians_and_a_fan_chart(variants):
    draws = variants.isel(time=slice(0, 6)).rename({"scenario": "draw"})
    draws = draws.assign_coords(draw=np.arange(draws.sizes["draw"]))
    page = report_html(draws)
    assert "The result holds 6 stochastic draws" in page
    assert "<h3>Uncertainty of the total population</h3>" in page
    median = float(draws.population.sel(time=2017).sum(["region", "nationality", "sex",
                                                          "age"]).median())
    assert f'<td class="n">{median:,.0f}</td></tr>' in table(
        page, "Population on 1 January [persons]")


def test_text_from_the_file_is_escaped(single):
    hostile = single.isel(time=slice(0, 3)).assign_coords(
        region=["Brussels & <i>Capital</i>", "Flemish \"Region\"", "Walloon Region"])
    hostile.attrs.update(scenario="<script>alert(1)</script>",
                         scenario_description="rates of 2011 & 'more' <b>bold</b>",
                         note="</table><img src=\"http://example.org/x.png\">")
    page = report_html(hostile, figures=False)
    assert "<script>" not in page and "<b>bold" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "rates of 2011 &amp; &#x27;more&#x27; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<tr><th>Brussels &amp; &lt;i&gt;Capital&lt;/i&gt;</th>" in page
    assert "<tr><th>Flemish &quot;Region&quot;</th>" in page
    assert 'src="http' not in page
    assert page.count("<table>") == page.count("</table>")


def test_years_must_be_in_the_result(single):
    with pytest.raises(InputError) as caught:
        report_html(single, years=[2012, 2050])
    assert str(caught.value) == ("argument 'years': got 2050; expected a year of the result, "
                                 "2012 to 2023. Fix: choose a year in that range.")


def test_cli_report(single, tmp_path, capsys):
    source, output = tmp_path / "results.nc", tmp_path / "report.html"
    write_netcdf(single.isel(time=slice(0, 4)), source)
    assert main(["report", str(source), "-o", str(output)]) == EXIT_OK
    assert capsys.readouterr().out == f"Wrote {output}\n"
    html = output.read_text(encoding="utf-8")
    assert "<caption>Population on 1 January [persons]</caption>" in html
    assert len(IMAGE.findall(html)) == 9
    assert main(["report", str(tmp_path / "missing.nc"), "-o", str(output)]) == EXIT_INPUT
    assert capsys.readouterr().err == (
        f"error: {tmp_path / 'missing.nc'}: got no such file; expected a netCDF file written by "
        "'projsim run -o'. Fix: check the path.\n")


def test_a_result_with_the_population_only(variants):
    """A stochastic result may keep the population of each draw and nothing else."""
    draws = variants[["population"]].isel(time=slice(0, 6)).rename({"scenario": "draw"})
    draws = draws.assign_coords(draw=np.arange(draws.sizes["draw"]))
    page = report_html(draws)
    assert ("<p>The result does not hold births, deaths, net_migration, fertility_rate, "
            "mortality_rate: the tables and figures that need them are left out.</p>") in page
    assert "Components of change" not in page and "Total fertility rate" not in page
    assert "<tr><th>Median age [years]</th>" in page
    assert [title for title in re.findall(r"<h3>([^<]+)</h3>", page)] == [
        "Population pyramid", "Population pyramids by region",
        "Population pyramids by nationality", "Total population", "Old-age dependency ratio",
        "Private households", "Uncertainty of the total population"]


def test_a_result_by_nationality(by_nationality, regions):
    """Tables sum over nationality, and the pyramids by nationality are drawn."""
    years = [2012, 2020, 2023]
    split = report_html(by_nationality.isel(time=slice(0, 12)), years=years)
    plain = report_html(regions.isel(time=slice(0, 12)), years=years, figures=False)
    for caption in ("Population on 1 January [persons]",
                    "Components of change during the year, Belgium [persons per year]",
                    "Key indicators, Belgium"):
        assert table(split, caption) == table(plain, caption)
    assert ("by region (Brussels-Capital Region, Flemish Region, Walloon Region), nationality "
            "(national, foreign), sex and single year of age") in split
    assert "<h3>Population pyramids by nationality</h3>" in split
    assert "<h3>Population pyramids by nationality</h3>" not in report_html(
        regions.isel(time=slice(0, 12)), years=years)


def test_the_report_of_draws_totals_the_national_median():
    """The Total row of a stochastic result is the median of the national total,
    as the fan chart draws it, not the sum of the regions' medians."""
    from projsim.stochastic import project_draws

    draws = project_draws(projsim.load_scenario("fpb-2013"), 64, seed=5, keep="draws")
    page = report_html(draws, years=[2012, 2060], figures=False)
    population = table(page, "Population on 1 January [persons]")
    national = float(draws.national_quantile.sel(time=2060, quantile=0.5, age_group="all"))
    regional = float(draws.population.sel(time=2060).sum(["nationality", "sex", "age"])
                     .median("draw").sum())
    assert national != pytest.approx(regional, abs=1)
    assert f'<td class="n">{national:,.0f}</td></tr></tbody>' in population
    assert "not the sum of the medians above" in page


def test_the_report_of_the_summaries_of_draws(tmp_path, capsys):
    """README: 'projsim run fpb-2013 --draws N -o draws.nc', then 'projsim report draws.nc'."""
    from projsim.io import read_netcdf, write_netcdf
    from projsim.stochastic import project_draws

    summaries = project_draws(projsim.load_scenario("fpb-2013"), 64, seed=5)
    write_netcdf(summaries, tmp_path / "draws.nc")
    page = report_html(read_netcdf(tmp_path / "draws.nc"))
    median = float(summaries.national_quantile.sel(quantile=0.5, age_group="all", time=2061))
    population = table(page, "Population on 1 January [persons]")
    assert f'<td class="n">{median:,.0f}</td></tr></tbody>' in population
    assert "<caption>Population on 1 January, Belgium: quantiles over 64 draws [persons]" in page
    assert [h for h in re.findall(r"<h3>([^<]+)</h3>", page)] == [
        "Population pyramid", "Population pyramids by region",
        "Population pyramids by nationality", "Total population", "Private households",
        "Uncertainty of the total population"]
    assert "The households of the mean population of the draws." in page
    assert ("Sources: Statbel, HMD, HFC, FPB (base belgium-2012); scenario fpb-2013. Method: "
            "projsim") in page


# --- households -----------------------------------------------------------------------


def cells(html, label):
    row = re.search(rf"<tr><th>{re.escape(label)}</th>((?:<td[^>]*>[^<]*</td>)+)</tr>", html)
    return re.findall(r">([^<]*)</td>", row.group(1))


def test_the_households_a_result_stores_are_reported():
    result = projsim.project("fpb-2013-households")
    page = report_html(result, years=[2012, 2060], figures=False)
    households = table(page, "Private households on 1 January by type, Belgium [households]")
    national = result.households.sum("region")
    assert cells(households, "One person") == [
        f"{value:,.0f}" for value in national.sel(household_type="one_person", time=[2012, 2060])]
    assert cells(households, "Total") == [
        f"{value:,.0f}" for value in national.sum("household_type").sel(time=[2012, 2060])]
    assert cells(households, "Persons per private household") == ["2.30", "2.22"]
    assert cells(households, "One-person households [%]") == ["34.1", "37.0"]
    assert ("Counted by the scenario&#x27;s [households] section: method trend, model "
            "households_belgium, no scale. Sources: Statbel, census 2011; trend: FPB household "
            "series 1991-2016, via larray (GPL-3.0).") in page
    by_region = table(page, "Private households on 1 January by region [households]")
    brussels = result.households.sel(region="Brussels-Capital Region").sum("household_type")
    assert cells(by_region, "Brussels-Capital Region") == [
        f"{value:,.0f}" for value in brussels.sel(time=[2012, 2060])]


def test_a_result_without_households_is_counted_with_the_census_shares_held(single):
    from projsim.analysis.households import households
    from projsim.io.households import read_household_model

    page = report_html(single, years=[2012, 2023], figures=False)
    counted = households(single, read_household_model()).sum(["region", "household_type"])
    assert cells(table(page, "Private households on 1 January by type, Belgium [households]"),
                 "Total") == [f"{value:,.0f}" for value in counted.sel(time=[2012, 2023])]
    assert ("The scenario has no [households] section: the households are counted here with the "
            "census shares of the household model households_belgium held constant "
            "(projsim.analysis.households). Sources: Statbel, census 2011.") in page
    assert "<h2>Households</h2>" not in report_html(single, figures=False, household_model=None)


def test_households_of_regions_the_model_lacks_are_left_out(single):
    other = single.isel(time=slice(0, 3)).assign_coords(region=["Antwerp", "Ghent", "Liège"])
    page = report_html(other, figures=False)
    assert ('<h2>Households</h2>\n<p class="note">Households are left out: the household model '
            "households_belgium does not cover the region Antwerp.</p>") in page
def test_report_of_a_five_year_result(tmp_path):
    """A 5x5 result through projsim report: its dates on 1 July, its steps, the UN's
    working ages, and no single-year wording."""
    five = projsim.project("wpp2024-belgium-5x5")
    path = tmp_path / "five.nc"
    write_netcdf(five, path)
    out = tmp_path / "five.html"
    assert main(["report", str(path), "-o", str(out)]) == EXIT_OK
    page = out.read_text(encoding="utf-8")
    assert "is projected in five-year steps to 1 July 2100" in page
    assert "Population on 1 July [persons]" in page
    assert "persons 65+ per 100 aged 15-64" in page
    assert "A step runs from 1 July of its first year to 1 July 5 years later" in page
    assert "1 January" not in page and "single year of age" not in page
    assert ("Households are left out: the household model households_belgium counts single "
            "years of age, and this result is by 5-year groups.") in page
    assert len(IMAGE.findall(page)) == 7
