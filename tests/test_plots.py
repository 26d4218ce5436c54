"""Figures of a result: the artists drawn hold the data, in the units on the axes."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import xarray as xr  # noqa: E402
from helpers import raises_exactly  # noqa: E402
from nationality_cases import NATIONALITIES  # noqa: E402

import projsim  # noqa: E402
from projsim import plots  # noqa: E402
from projsim.analysis import indicators  # noqa: E402
from projsim.cli import EXIT_INPUT, EXIT_OK, main  # noqa: E402
from projsim.demography.lifetable import life_expectancy_at_birth  # noqa: E402
from projsim.errors import InputError  # noqa: E402
from projsim.io import write_netcdf  # noqa: E402
from projsim.types import FOREIGN  # noqa: E402

FLEMISH = "Flemish Region"
#: The state dimensions of the Belgian results, pooled for national figures.
STATES = ("region", "nationality")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def single():
    return projsim.project("belgium-2012")


@pytest.fixture(scope="module")
def draws(variants):
    """Six 'draws': the six variants stacked on a draw dimension."""
    return variants.rename({"scenario": "draw"}).assign_coords(draw=np.arange(6))


def thousands(array):
    return np.asarray(array, dtype=float) / 1e3


def container(ax, label):
    return next(c for c in ax.containers if c.get_label() == label)


def widths(bars):
    return np.array([patch.get_width() for patch in bars])


def heights(bars):
    return np.array([patch.get_height() for patch in bars])


def test_import_does_not_load_matplotlib():
    code = "import sys, projsim.plots; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_pyramid_bars_are_thousands_males_left(single):
    ax = plots.pyramid(single, 2060, compare_year=2012)
    population = single.population.sum(STATES)
    assert [c.get_label() for c in ax.containers] == ["males, 2060", "females, 2060"]
    males, females = ax.containers
    np.testing.assert_allclose(widths(males), -thousands(population.sel(time=2060, sex="male")))
    np.testing.assert_allclose(widths(females), thousands(population.sel(time=2060, sex="female")))
    assert [p.get_y() for p in females][:3] == [0, 1, 2]
    outlines = [p for p in ax.patches if type(p).__name__ == "StepPatch"]
    assert len(outlines) == 2
    np.testing.assert_allclose(outlines[1].get_data().values,
                               thousands(population.sel(time=2012, sex="female")))
    assert ax.get_title() == "Population on 1 January 2060\nBelgium"
    assert ax.get_xlabel() == "population [thousands]"
    assert ax.get_ylabel() == "age on 1 January [years]"
    assert [t.get_text() for t in ax.get_yticklabels()][-2:] == ["100", "110+"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "males, 2060", "females, 2060", "outline: 2012"]
    assert ax.get_xlim()[0] == -ax.get_xlim()[1]
    assert ax.xaxis.get_major_formatter()(-25, 0) == "25"


def test_pyramid_of_one_region_and_compare_scenario(variants):
    ax = plots.pyramid(variants, 2040, compare_scenario="zero-migration", region=FLEMISH)
    other = variants.population.sel(scenario="zero-migration", region=FLEMISH, time=2040).sum(
        "nationality")
    outlines = [p for p in ax.patches if type(p).__name__ == "StepPatch"]
    np.testing.assert_allclose(outlines[0].get_data().values, -thousands(other.sel(sex="male")))
    assert ax.containers[0].get_label() == "males, fpb-2013, 2040"
    assert ax.get_title() == f"Population on 1 January 2040\n{FLEMISH}"
    assert "outline: zero-migration, 2040" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_pyramid_facets_by_region(single):
    axes = plots.pyramid(single, 2030, by_region=True)
    assert axes.shape == (3,)
    assert [a.get_title() for a in axes] == list(single.region.values)
    for ax, region in zip(axes, single.region.values):
        np.testing.assert_allclose(
            widths(ax.containers[1]),
            thousands(single.population.sel(time=2030, region=region, sex="female").sum(
                "nationality")))
    assert axes[0].figure.get_suptitle() == (
        "Population on 1 January 2030, one scale for every region")
    assert len({a.get_xlim() for a in axes}) == 1
    assert [a.get_ylabel() for a in axes] == ["age on 1 January [years]", "", ""]


def test_pyramid_on_given_axes(single):
    _, given = plt.subplots()
    assert plots.pyramid(single, ax=given) is given
    assert given.get_title().startswith("Population on 1 January 2061")
    _, row = plt.subplots(1, 2)
    with pytest.raises(InputError) as caught:
        plots.pyramid(single, by_region=True, ax=row)
    assert str(caught.value) == ("argument 'ax': got 2 Axes; expected one per region, 3. "
                                 "Fix: pass as many Axes as regions, or none.")


@pytest.mark.parametrize("call, message", [
    (lambda ds: plots.pyramid(ds, 2070),
     "argument 'year': got 2070; expected a year of the result, 2012 to 2061. "
     "Fix: choose a year in that range."),
    (lambda ds: plots.pyramid(ds, compare_year=1990),
     "argument 'compare_year': got 1990; expected a year of the result, 2012 to 2061. "
     "Fix: choose a year in that range."),
    (lambda ds: plots.pyramid(ds, region="Flanders"),
     "argument 'region': got 'Flanders'; expected one of ['Brussels-Capital Region', "
     "'Flemish Region', 'Walloon Region']. Fix: use a region label of the result."),
    (lambda ds: plots.pyramid(ds, scenario="high-migration"),
     "argument 'scenario': got 'high-migration'; expected 'belgium-2012', the only scenario "
     "of this result. Fix: leave the scenario out or name that scenario."),
    (lambda ds: plots.pyramid(ds, region=FLEMISH, by_region=True),
     "argument 'by_region': got True with region='Flemish Region'; expected by_region=False "
     "when one region is chosen. Fix: drop region to draw every region, or by_region to draw "
     "one."),
])
def test_pyramid_errors(single, call, message):
    with pytest.raises(InputError) as caught:
        call(single)
    assert str(caught.value) == message
    assert plt.get_fignums() == []


def test_unknown_scenario_of_variants(variants):
    with pytest.raises(InputError) as caught:
        plots.totals(variants, scenarios=["fpb-2013", "medium"])
    assert str(caught.value) == (
        "argument 'scenarios': got 'medium'; expected one of ['fpb-2013', 'zero-migration', "
        "'low-migration', 'high-migration', 'constant-fertility', 'constant-mortality']. "
        "Fix: use a scenario label of the result.")


def test_totals_one_line_per_scenario(variants):
    ax = plots.totals(variants)
    names = list(variants.scenario.values)
    assert [line.get_label() for line in ax.lines] == names
    for line, name in zip(ax.lines, names):
        expected = variants.population.sel(scenario=name).sum([*STATES, "sex", "age"])
        np.testing.assert_allclose(line.get_ydata(), thousands(expected))
        np.testing.assert_array_equal(line.get_xdata(), variants.time)
    assert ax.get_title() == "Population on 1 January, Belgium"
    assert ax.get_ylabel() == "population [thousands]"
    assert ax.get_xlabel() == "year"
    assert ax.yaxis.get_major_formatter()(11500, 0) == "11,500"
    assert ax.get_legend().get_bbox_to_anchor().x0 > ax.bbox.x1


def test_totals_observed_points_from_dict_series_or_dataarray(single):
    observed = {2012: 11_035_948, 2013: 11_099_554, 2014: 11_150_516}
    forms = [observed, pd.Series(observed),
             xr.DataArray(list(observed.values()), coords={"time": list(observed)}, dims="time")]
    for form in forms:
        ax = plots.totals(single, scenarios="belgium-2012", region=None, observed=form)
        points = ax.lines[-1]
        assert points.get_label() == "observed" and points.get_linestyle() == "None"
        np.testing.assert_array_equal(points.get_xdata(), list(observed))
        np.testing.assert_allclose(points.get_ydata(), thousands(list(observed.values())))


def test_totals_bad_observed(single):
    with pytest.raises(InputError) as caught:
        plots.totals(single, observed={2012.5: 11e6})
    assert str(caught.value) == (
        "argument 'observed': got years [2012.5] and values [11000000.0]; expected whole years "
        "and finite numbers of persons. Fix: drop the missing values and label them by year.")


def test_components_stack_the_flows_and_add_up_to_the_change(single):
    ax = plots.components(single)
    flows = single.isel(time=slice(None, -1)).sum(STATES)
    births = container(ax, "births")
    deaths = container(ax, "deaths")
    migration = container(ax, "international net migration")
    assert len(ax.containers) == 3
    np.testing.assert_allclose(heights(births), thousands(flows.births.sum("sex")))
    np.testing.assert_allclose(heights(deaths), -thousands(flows.deaths.sum(["sex", "age"])))
    net = thousands(flows.net_migration.sum(["sex", "age"]))
    np.testing.assert_allclose(heights(migration), net)
    bottoms = np.array([p.get_y() for p in migration])
    np.testing.assert_allclose(bottoms, np.where(net >= 0, heights(births), heights(deaths)))
    change = ax.lines[0]
    assert change.get_label() == "population change"
    total = sum(heights(c) for c in ax.containers)
    np.testing.assert_allclose(change.get_ydata(), total, rtol=1e-9)
    assert ax.get_ylabel() == "persons per year [thousands]"
    assert ax.yaxis.get_major_formatter()(-100, 0) == "\N{MINUS SIGN}100"
    assert ax.get_title() == "Components of change, Belgium"


def test_components_of_a_region_include_internal_migration(variants):
    ax = plots.components(variants, scenario="zero-migration", region="Brussels-Capital Region")
    labels = [c.get_label() for c in ax.containers]
    assert labels == ["births", "deaths", "international net migration",
                      "internal net migration"]
    flows = variants.sel(scenario="zero-migration", region="Brussels-Capital Region")
    flows = flows.isel(time=slice(None, -1))
    internal = (flows.internal_in - flows.internal_out).sum(["nationality", "sex", "age"])
    np.testing.assert_allclose(heights(ax.containers[3]), thousands(internal))
    np.testing.assert_allclose(ax.lines[0].get_ydata(), sum(heights(c) for c in ax.containers),
                               rtol=1e-9, atol=1e-9)
    assert ax.get_title() == "Components of change, Brussels-Capital Region, zero-migration"


def test_tfr_pools_regions_with_the_female_exposure(single):
    """The national TFR recomputed here by hand, not with projsim.indicators."""
    def by_state(array):
        return array.stack(state=STATES).transpose("time", "state", "age")

    rates = by_state(single.fertility_rate.isel(time=slice(None, -1))).values   # (T, S, A)
    women = by_state(single.population.sel(sex="female"))                      # (T+1, S, A)
    weight = (women.values[:-1] + women.values[1:]) / 2
    expected = ((rates * weight).sum(1) / weight.sum(1)).sum(-1)
    ax = plots.tfr(single)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), expected, rtol=1e-12)
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), single.time[:-1])
    assert ax.get_ylabel() == "total fertility rate [children per woman]"
    assert ax.get_title() == "Total fertility rate, Belgium"
    low, high = ax.get_ylim()
    assert high - low == pytest.approx(plots.TFR_SPAN) and low < expected.min()
    plt.close("all")
    ax = plots.tfr(single, region=FLEMISH)
    flemish = women.region.values == FLEMISH
    np.testing.assert_allclose(ax.lines[0].get_ydata(),
                               ((rates * weight)[:, flemish].sum(1)
                                / weight[:, flemish].sum(1)).sum(-1), rtol=1e-12)
    assert ax.get_title() == f"Total fertility rate, {FLEMISH}"


def test_e0_meets_the_reference_scenario_targets(variants):
    """The assumptions solve the national e0 targets on the same exposure."""
    ax = plots.e0(variants, scenarios=["fpb-2013"])
    females, males = ax.lines
    assert females.get_xdata()[-1] == 2060
    assert females.get_ydata()[-1] == pytest.approx(89.1, abs=0.01)
    assert males.get_ydata()[-1] == pytest.approx(86.7, abs=0.01)
    plt.close("all")
    ax = plots.e0(variants, scenarios="fpb-2013", region=FLEMISH)
    pooled = indicators.life_expectancy(variants.sel(scenario="fpb-2013"), aggregate="nationality")
    assert ax.lines[1].get_ydata()[2030 - 2012] == pytest.approx(
        float(pooled.sel(region=FLEMISH, sex="male", time=2030)), rel=1e-12)
    plt.close("all")
    ax = plots.e0(variants, scenarios="fpb-2013", region=FLEMISH, nationality=FOREIGN)
    rates = variants.mortality_rate.sel(scenario="fpb-2013", region=FLEMISH, time=2030,
                                        nationality=FOREIGN)
    assert ax.lines[1].get_ydata()[2030 - 2012] == pytest.approx(
        float(life_expectancy_at_birth(rates.sel(sex="male").values, "male")), rel=1e-12)


def test_e0_lines(single, variants):
    ax = plots.e0(single)
    assert [line.get_label() for line in ax.lines] == ["females", "males"]
    assert ax.lines[1].get_linestyle() == "--"
    assert [line.get_color() for line in ax.lines] == [plots.SEX_COLOURS["female"],
                                                        plots.SEX_COLOURS["male"]]
    assert ax.get_ylabel() == "life expectancy at birth [years]"
    plt.close("all")
    ax = plots.e0(variants, scenarios=["fpb-2013", "constant-mortality"])
    assert [line.get_label() for line in ax.lines] == [
        "fpb-2013, females", "fpb-2013, males", "constant-mortality, females",
        "constant-mortality, males"]
    assert ax.lines[3].get_ydata()[-1] == pytest.approx(ax.lines[3].get_ydata()[0], abs=0.1)


def test_dependency_ratio(single):
    population = single.population.sum([*STATES, "sex"]).values
    ax = plots.dependency(single)
    np.testing.assert_allclose(ax.lines[0].get_ydata(),
                               100 * population[:, 67:].sum(1) / population[:, 18:67].sum(1))
    assert ax.get_title() == "Old-age dependency ratio, Belgium"
    assert ax.get_ylabel() == "persons 67+\nper 100 aged 18-66"
    plt.close("all")
    ax = plots.dependency(single, kind="young", working_age=(20, 65), region=FLEMISH)
    flemish = single.population.sel(region=FLEMISH).sum(["nationality", "sex"]).values
    np.testing.assert_allclose(ax.lines[0].get_ydata(),
                               100 * flemish[:, :20].sum(1) / flemish[:, 20:65].sum(1))
    assert ax.get_title() == f"Young-age dependency ratio, {FLEMISH}"
    assert ax.get_ylabel() == "persons under 20\nper 100 aged 20-64"


def test_dependency_errors_come_before_any_figure(single):
    with pytest.raises(InputError) as caught:
        plots.dependency(single, working_age=(67, 18))
    assert str(caught.value) == (
        "argument 'working_age': got (67, 18); expected two integer ages (first, after) with "
        "0 < first < after <= 110, the open age of the result [years]. Fix: give working ages "
        "such as (18, 67) or (15, 65).")
    assert plt.get_fignums() == []


def test_fan_median_and_bands(draws):
    ax = plots.fan(draws)
    totals = thousands(draws.population.sum([*STATES, "sex", "age"]).transpose("time", "draw"))
    assert len(ax.collections) == 2
    assert [c.get_label() for c in ax.collections] == [
        "80% interval (10% to 90%)", "50% interval (25% to 75%)"]
    median = ax.lines[0]
    np.testing.assert_allclose(median.get_ydata(), np.median(totals, axis=1))
    low = ax.collections[0].get_paths()[0].vertices[:, 1].min()
    assert low == pytest.approx(np.quantile(totals, 0.1, axis=1).min())
    assert ax.get_title() == "Population on 1 January, Belgium\n6 draws"
    assert ax.get_ylabel() == "population [thousands of persons]"


def test_fan_of_a_flow_with_three_bands(draws):
    ax = plots.fan(draws, "births", region=FLEMISH,
                   quantiles=[(0.25, 0.75), (0.05, 0.95), (0.1, 0.9)])
    assert [c.get_label() for c in ax.collections] == [
        "90% interval (5% to 95%)", "80% interval (10% to 90%)", "50% interval (25% to 75%)"]
    assert len(ax.lines[0].get_xdata()) == draws.sizes["time"] - 1


@pytest.mark.parametrize("kwargs, message", [
    ({"quantiles": [(0.9, 0.1)]},
     "argument 'quantiles': got [(0.9, 0.1)]; expected pairs (low, high) of quantiles with "
     "0 <= low < high <= 1. Fix: give for example ((0.1, 0.9), (0.25, 0.75))."),
    ({"variable": "fertility_rate"},
     "argument 'variable': got 'fertility_rate'; expected one of ['population', 'births', "
     "'births_by_age_of_mother', ..., 'migration_adjustment', 'population_floor']. "
     "Fix: choose a count in persons."),
])
def test_fan_errors(draws, kwargs, message):
    with pytest.raises(InputError) as caught:
        plots.fan(draws, **kwargs)
    assert str(caught.value) == message


def test_fan_needs_draws(single):
    with pytest.raises(InputError) as caught:
        plots.fan(single)
    assert str(caught.value) == (
        "argument 'dataset': got a result without a 'draw' dimension (dimensions ['time', "
        "'region', 'nationality', 'sex', 'age']); expected a result with stochastic draws. Fix: draw a fan "
        "chart of a stochastic projection, or plot 'totals'.")


def test_other_figures_show_the_median_of_draws(draws):
    ax = plots.totals(draws)
    totals = draws.population.sum([*STATES, "sex", "age"]).median("draw")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), thousands(totals))
    assert ax.get_title() == "Population on 1 January, Belgium (median of 6 draws)"


def test_render_and_accessor(single):
    png = plots.render(single, "components", dpi=40)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert plt.get_fignums() == []
    assert plots.render(single, "totals", format="svg").startswith(b"<?xml")
    assert plots.render(single, "dependency", kind="total", dpi=30).startswith(b"\x89PNG")
    with pytest.raises(InputError) as caught:
        plots.render(single, "map")
    assert str(caught.value) == (
        "argument 'kind': got 'map'; expected one of ['pyramid', 'totals', 'components', 'tfr', "
        "'e0', 'dependency', 'fan', 'households']. Fix: choose one of these kinds.")
    ax = single.projsim_plot.pyramid(2030, region=FLEMISH)
    assert ax.get_title() == f"Population on 1 January 2030\n{FLEMISH}"
    assert single.projsim_plot.tfr().get_ylabel().startswith("total fertility rate")


# --- households ----------------------------------------------------------------


@pytest.fixture(scope="module")
def with_households():
    return projsim.project("fpb-2013-households")


def test_households_stack_the_types_under_their_total(with_households):
    ax = plots.households(with_households)
    stored = with_households.households.sum("region")
    np.testing.assert_allclose(ax.lines[0].get_ydata(),
                               thousands(stored.sum("household_type")), rtol=1e-12)
    assert [c.get_label() for c in ax.collections] == [
        "one person", "couple without children", "couple with children", "lone parent", "other"]
    tops = stored.cumsum("household_type") / 1e3
    for layer, top in zip(ax.collections, tops.transpose("household_type", "time")):
        assert layer.get_paths()[0].vertices[:, 1].max() == pytest.approx(float(top.max()))
    assert ax.get_title() == ("Private households on 1 January, Belgium\ncensus shares moved "
                              "along the model's trend")
    assert ax.get_ylabel() == "households [thousands]"


def test_households_of_a_result_without_them_need_a_model(variants):
    from projsim.analysis.households import households
    from projsim.io.households import read_household_model

    model = read_household_model()
    ax = plots.households(variants, scenario="zero-migration", region=FLEMISH, model=model)
    expected = households(variants, model).sel(scenario="zero-migration", region=FLEMISH)
    np.testing.assert_allclose(ax.lines[0].get_ydata(),
                               thousands(expected.sum("household_type")), rtol=1e-12)
    assert ax.get_title() == ("Private households on 1 January, Flemish Region, zero-migration\n"
                              "census shares held constant")
    with raises_exactly("argument 'model': got None with a result without 'households'; "
                        "expected a household model, or a result that stores its households (a "
                        "scenario with a [households] section). Fix: pass projsim.io.households."
                        "read_household_model(), or add a [households] section to the scenario."):
        plots.households(variants)


def test_households_of_draws_are_their_median(draws):
    from projsim.analysis.households import households
    from projsim.io.households import read_household_model

    model = read_household_model()
    ax = plots.households(draws, model=model, method="trend")
    total = households(draws, model, method="trend").sum(["region", "household_type"])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), thousands(total.median("draw")))
    assert ax.get_title().startswith("Private households on 1 January, Belgium (median of 6 draws)")


def test_households_figures_credit_the_census_and_the_trend(with_households, single):
    from matplotlib.figure import Figure

    from projsim.io.households import read_household_model

    drawn = []
    original = Figure.savefig

    def keep(figure, *args, **kwargs):
        drawn.append(figure.get_supxlabel())
        return original(figure, *args, **kwargs)

    Figure.savefig = keep
    try:
        plots.render(with_households, "households", dpi=30)
        plots.render(single, "households", model=read_household_model(), dpi=30)
    finally:
        Figure.savefig = original
    assert drawn[0].endswith("\nHouseholds: Statbel, census 2011; trend: FPB household series "
                             "1991-2016, via larray (GPL-3.0).")
    assert drawn[1].endswith("\nHouseholds: Statbel, census 2011.")


# --- projsim plot ----------------------------------------------------------------

@pytest.fixture(scope="module")
def result_file(tmp_path_factory, variants):
    path = tmp_path_factory.mktemp("plot") / "results.nc"
    write_netcdf(variants, path)
    return path


@pytest.mark.parametrize("options", [
    ["--kind", "pyramid", "--year", "2060", "--compare-year", "2012"],
    ["--kind", "totals", "--scenario", "fpb-2013", "--scenario", "zero-migration"],
    ["--kind", "components", "--region", FLEMISH],
    ["--kind", "tfr"], ["--kind", "e0"], ["--kind", "dependency"],
    ["--kind", "households", "--region", FLEMISH, "--scenario", "low-migration"],
])
def test_cli_plot_writes_a_png(result_file, tmp_path, capsys, options):
    output = tmp_path / "figure.png"
    assert main(["plot", str(result_file), *options, "-o", str(output)]) == EXIT_OK
    assert output.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert capsys.readouterr().out == f"Wrote {output}\n"
    assert plt.get_fignums() == []


def test_cli_plot_fan_and_svg(draws, tmp_path):
    source, output = tmp_path / "draws.nc", tmp_path / "fan.svg"
    write_netcdf(draws.isel(time=slice(0, 5)), source)
    assert main(["plot", str(source), "--kind", "fan", "--variable", "births",
                 "-o", str(output)]) == EXIT_OK
    assert output.read_text().startswith("<?xml")


def test_cli_plot_of_a_result_with_the_population_only(draws, tmp_path, capsys):
    source, output = tmp_path / "draws.nc", tmp_path / "figure.png"
    write_netcdf(draws[["population"]].isel(time=slice(0, 5)), source)
    assert main(["plot", str(source), "--kind", "fan", "-o", str(output)]) == EXIT_OK
    assert main(["plot", str(source), "--kind", "tfr", "-o", str(output)]) == EXIT_INPUT
    assert capsys.readouterr().err == (
        f"error: {source}: got no variable 'fertility_rate'; expected a result with "
        "'fertility_rate' for --kind tfr. Fix: draw a figure of the population (pyramid, "
        "totals, dependency, fan), or save a projection with 'projsim run -o'.\n")


@pytest.mark.parametrize("options, message", [
    (["--kind", "map"], "option --kind: got 'map'; expected one of pyramid, totals, components, "
                        "tfr, e0, dependency, fan, households. Fix: choose one of these figures."),
    (["--year", "2070"], "{file}: --year: got 2070; expected a year of the result, 2012 to "
                         "2061. Fix: choose a year in that range."),
    (["--year", "20x0"], "option --year: got '20x0'; expected a year such as 2060. "
                         "Fix: give a whole year."),
    (["--kind", "fan"], "{file}: got a result without a 'draw' dimension; expected a result "
                        "with stochastic draws for --kind fan. Fix: plot --kind totals, or run a "
                        "stochastic projection."),
    (["--kind", "totals", "--year", "2060"],
     "option --year: got '2060' with --kind totals; expected this option only with --kind "
     "pyramid. Fix: drop --year."),
    (["--scenario", "a", "--scenario", "b"],
     "option --scenario: got 2 scenarios with --kind pyramid; expected one. Fix: give "
     "--scenario once; a pyramid compares with --compare-scenario."),
    (["--compare-scenario", "medium"],
     "{file}: --compare-scenario: got 'medium'; expected one of ['fpb-2013', 'zero-migration', "
     "'low-migration', 'high-migration', 'constant-fertility', 'constant-mortality']. "
     "Fix: use a scenario label of the result."),
    (["--kind", "households", "--nationality", FOREIGN],
     "option --nationality: got 'foreign' with --kind households; expected no nationality: "
     "households are counted by region, nationalities pooled. Fix: drop --nationality."),
    (["--kind", "tfr", "--region", "Flanders"],
     "{file}: --region: got 'Flanders'; expected one of ['Brussels-Capital Region', "
     "'Flemish Region', 'Walloon Region']. Fix: use a region label of the result."),
])
def test_cli_plot_bad_options_exit_2_with_one_line(result_file, tmp_path, capsys, options,
                                                   message):
    output = tmp_path / "figure.png"
    assert main(["plot", str(result_file), *options, "-o", str(output)]) == EXIT_INPUT
    assert capsys.readouterr().err == f"error: {message.format(file=result_file)}\n"
    assert not output.exists()


def test_cli_plot_bad_files(tmp_path, capsys):
    missing, garbage = tmp_path / "missing.nc", tmp_path / "garbage.nc"
    garbage.write_text("not a netCDF file")
    other = tmp_path / "other.nc"
    write_netcdf(xr.Dataset({"x": ("time", [1.0, 2.0])}), other)
    for path in (missing, garbage, other):
        assert main(["plot", str(path), "-o", str(tmp_path / "figure.png")]) == EXIT_INPUT
    assert capsys.readouterr().err.splitlines() == [
        f"error: {missing}: got no such file; expected a netCDF file written by 'projsim run "
        "-o'. Fix: check the path.",
        f"error: {garbage}: got a file that is not in netCDF format; expected a netCDF file "
        "written by 'projsim run -o'. Fix: check the path and rerun the projection.",
        f"error: {other}: got a netCDF file without a variable 'population' over time, region, "
        "sex and age, nor the summaries of stochastic draws; expected a result written by "
        "'projsim run -o'. Fix: check the path and rerun the projection.",
    ]
    assert main(["plot", str(other), "-o", str(tmp_path / "figure.jpg")]) == EXIT_INPUT
    assert main(["plot", str(other), "-o", str(tmp_path / "no" / "figure.png")]) == EXIT_INPUT
    assert capsys.readouterr().err.splitlines() == [
        f"error: option -o: got '{tmp_path / 'figure.jpg'}'; expected a file name ending in "
        ".png, .svg, .pdf. Fix: name the image file after its format, for example pyramid.png.",
        f"error: option -o: got '{tmp_path / 'no' / 'figure.png'}'; expected a file in an "
        f"existing folder. Fix: create the folder '{tmp_path / 'no'}' first.",
    ]


# --- results by nationality -------------------------------------------------------


def test_pyramid_of_one_nationality_and_by_nationality(by_nationality):
    ax = plots.pyramid(by_nationality, 2030, nationality=FOREIGN)
    foreign = by_nationality.population.sel(time=2030, nationality=FOREIGN).sum("region")
    np.testing.assert_allclose(widths(ax.containers[0]), -thousands(foreign.sel(sex="male")))
    assert ax.get_title() == f"Population on 1 January 2030\nBelgium, {FOREIGN}"
    axes = plots.pyramid(by_nationality, 2030, by="nationality", compare_year=2012)
    assert [a.get_title() for a in axes] == list(NATIONALITIES)
    for ax, label in zip(axes, NATIONALITIES):
        population = by_nationality.population.sel(nationality=label).sum("region")
        np.testing.assert_allclose(widths(ax.containers[1]),
                                   thousands(population.sel(time=2030, sex="female")))
    assert axes[0].figure.get_suptitle() == (
        "Population on 1 January 2030, one scale for every nationality")
    axes = plots.pyramid(by_nationality, 2030, region=FLEMISH, by="nationality")
    assert axes[0].figure.get_suptitle() == (
        f"Population on 1 January 2030, one scale for every nationality\n{FLEMISH}")


def test_pyramid_stacked_by_nationality(by_nationality):
    """Each nationality a layer starting where the one before ends; the total outside."""
    ax = plots.pyramid(by_nationality, 2030, region=FLEMISH, stack="nationality",
                       compare_year=2012)
    first, second = NATIONALITIES
    assert [c.get_label() for c in ax.containers] == [
        f"males, {first}, 2030", f"females, {first}, 2030",
        f"males, {second}, 2030", f"females, {second}, 2030"]
    population = by_nationality.population.sel(time=2030, region=FLEMISH)
    for bars, (label, sex) in zip(ax.containers, [(first, "male"), (first, "female"),
                                                  (second, "male"), (second, "female")]):
        sign = -1 if sex == "male" else 1
        np.testing.assert_allclose(widths(bars),
                                   sign * thousands(population.sel(nationality=label, sex=sex)))
    inner = ax.containers[1]
    np.testing.assert_allclose([p.get_x() for p in ax.containers[3]], widths(inner))
    np.testing.assert_allclose([p.get_x() for p in ax.containers[0]], 0)
    total = population.sum("nationality").sel(sex="female")
    np.testing.assert_allclose([p.get_x() + p.get_width() for p in ax.containers[3]],
                               thousands(total))
    outlines = [p for p in ax.patches if type(p).__name__ == "StepPatch"]
    np.testing.assert_allclose(outlines[1].get_data().values, thousands(
        by_nationality.population.sel(time=2012, region=FLEMISH, sex="female").sum("nationality")))
    alphas = [c.patches[0].get_alpha() for c in ax.containers]
    assert alphas[0] == alphas[1] > alphas[2] == alphas[3]
    assert ax.get_title() == f"Population on 1 January 2030\n{FLEMISH}, by nationality"
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "outline: 2012"
    axes = plots.pyramid(by_nationality, 2030, by_region=True, stack="nationality")
    assert len(axes) == 3 and all(len(a.containers) == 4 for a in axes)
    assert axes[0].figure.get_suptitle() == (
        "Population on 1 January 2030, one scale for every region\nBelgium, by nationality")


@pytest.mark.parametrize("call, message", [
    (lambda ds: plots.pyramid(ds, stack="sex"),
     "argument 'stack': got 'sex'; expected one of the state dimensions ['region', "
     "'nationality']. Fix: name a state dimension of the result, or none for bars of the "
     "total."),
    (lambda ds: plots.pyramid(ds, nationality=FOREIGN, stack="nationality"),
     "argument 'stack': got 'nationality' with nationality='foreign'; expected stack=None when "
     "one nationality is chosen. Fix: drop nationality to draw every nationality, or stack to "
     "draw one."),
    (lambda ds: plots.pyramid(ds, by="nationality", stack="nationality"),
     "argument 'stack': got 'nationality' with nationality drawn side by side; expected a "
     "state dimension other than 'nationality'. Fix: stack one dimension and draw another "
     "side by side, or drop nationality."),
])
def test_pyramid_stack_errors(by_nationality, call, message):
    with raises_exactly(message):
        call(by_nationality)
    assert plt.get_fignums() == []


def test_figures_of_a_result_by_nationality_sum_over_it(by_nationality, regions):
    """Without a nationality chosen, every figure is the three-region reference's."""
    for kind in ("pyramid", "totals", "components", "tfr", "e0", "dependency"):
        for region in (None, FLEMISH):
            split = getattr(plots, kind)(by_nationality, region=region)
            plain = getattr(plots, kind)(regions, region=region)
            assert split.get_title() == plain.get_title(), kind
            for ours, theirs in zip(split.containers, plain.containers, strict=True):
                np.testing.assert_allclose(widths(ours) if kind == "pyramid" else heights(ours),
                                           widths(theirs) if kind == "pyramid" else
                                           heights(theirs), rtol=1e-9, atol=1e-9)
            for ours, theirs in zip(split.lines, plain.lines, strict=True):
                np.testing.assert_allclose(ours.get_ydata(), theirs.get_ydata(), rtol=1e-9)
            plt.close("all")


def test_components_show_the_moves_that_do_not_cancel(naturalised):
    ax = plots.components(naturalised, region="A")
    assert [c.get_label() for c in ax.containers] == [
        "births", "deaths", "international net migration", "internal net migration"]
    plt.close("all")
    ax = plots.components(naturalised, nationality=FOREIGN)
    assert [c.get_label() for c in ax.containers] == [
        "births", "deaths", "international net migration", "net naturalisations"]
    flows = naturalised.sel(nationality=FOREIGN).isel(time=slice(None, -1)).sum("region")
    naturalised_out = (flows.naturalisation_in - flows.naturalisation_out).sum(["sex", "age"])
    np.testing.assert_allclose(heights(ax.containers[3]), thousands(naturalised_out))
    assert float(naturalised_out.max()) < 0
    np.testing.assert_allclose(ax.lines[0].get_ydata(), sum(heights(c) for c in ax.containers),
                               rtol=1e-9)
    assert ax.get_title() == f"Components of change, all regions, {FOREIGN}"


def test_rates_of_one_nationality(by_nationality, regions):
    ax = plots.tfr(by_nationality, nationality=FOREIGN)
    plain = plots.tfr(regions)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), plain.lines[0].get_ydata(), rtol=1e-9)
    assert ax.get_title() == f"Total fertility rate, Belgium, {FOREIGN}"


@pytest.mark.parametrize("call, message", [
    (lambda ds: plots.pyramid(ds, by="age"),
     "argument 'by': got 'age'; expected one of the state dimensions ['region', "
     "'nationality']. Fix: name a state dimension of the result, or none for one figure."),
    (lambda ds: plots.pyramid(ds, nationality=FOREIGN, by="nationality"),
     "argument 'by': got 'nationality' with nationality='foreign'; expected by=None when one "
     "nationality is chosen. Fix: drop nationality to draw every nationality, or by to draw "
     "one."),
    (lambda ds: plots.pyramid(ds, by_region=True, by="nationality"),
     "argument 'by': got 'nationality' with by_region=True; expected None or 'region' with "
     "by_region=True. Fix: give by_region or by, not both."),
    (lambda ds: plots.totals(ds, nationality="Belgian"),
     "argument 'nationality': got 'Belgian'; expected one of ['national', 'foreign']. "
     "Fix: use a nationality label of the result."),
])
def test_errors_of_a_result_by_nationality(by_nationality, call, message):
    with raises_exactly(message):
        call(by_nationality)


def test_error_nationality_of_a_result_without_it(regions):
    with raises_exactly(
        "argument 'nationality': got 'foreign'; expected a result with a 'nationality' "
        "dimension. Fix: leave the nationality out: this result has none."
    ):
        plots.totals(regions, nationality=FOREIGN)


def test_render_facets_by_nationality(by_nationality):
    png = plots.render(by_nationality, "pyramid", dpi=30, by="nationality")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_coinciding_rate_lines_stay_distinguishable(variants):
    """The six variants' TFR lines lie within 0.004 of each other (the assumed 1.83,
    and 2011's rates): each gets its own style and markers, and names the first
    scenario whose line it overlaps."""
    ax = plots.tfr(variants)
    labels = [line.get_label() for line in ax.lines]
    # the TFR path is met on each projection's own population: the same 1.83 for all
    # but constant-fertility, whose 2011 rates drift with the composition
    assert labels[:4] == ["fpb-2013", "zero-migration (overlaps fpb-2013)",
                          "low-migration (overlaps fpb-2013)",
                          "high-migration (overlaps fpb-2013)"]
    assert labels[4].startswith("constant-fertility")
    assert labels[5] == "constant-mortality (overlaps fpb-2013)"
    styles = [(line.get_linestyle(), line.get_marker(), str(line.get_markevery()))
              for line in ax.lines]
    assert len(set(styles)) == len(styles)
    plt.close("all")
    ax = plots.e0(variants, scenarios=["fpb-2013", "zero-migration"])
    assert [line.get_label() for line in ax.lines][2:] == [
        "zero-migration (overlaps fpb-2013), females", "zero-migration (overlaps fpb-2013), males"]


def test_figures_of_the_summaries_of_draws():
    """A file of 'projsim run --draws N -o draws.nc': the fan chart and the totals
    from the stored quantiles, the pyramid from the mean of each cell."""
    from projsim.stochastic import project_draws

    summaries = project_draws(projsim.load_scenario("fpb-2013"), 64, seed=2)
    ax = plots.fan(summaries)
    national = summaries.national_quantile.sel(age_group="all")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), thousands(national.sel(quantile=0.5)))
    assert ax.get_title() == "Population on 1 January, Belgium\n64 draws"
    plt.close("all")
    ax = plots.totals(summaries)
    assert ax.get_title() == "Population on 1 January, Belgium (median of 64 draws)"
    plt.close("all")
    ax = plots.pyramid(summaries)
    assert ax.get_title() == "Population on 1 January 2061 (mean of 64 draws)\nBelgium"
    np.testing.assert_allclose(widths(ax.containers[1]), thousands(
        summaries.population_mean.sel(time=2061, sex="female").sum(STATES)))
    with raises_exactly("argument 'kind': got 'tfr' with the summaries of stochastic draws; "
                        "expected one of ['fan', 'totals', 'pyramid', 'households'], which the "
                        "summaries hold. Fix: keep the draws (--keep draws) for the other "
                        "figures."):
        plots.render(summaries, "tfr")


def test_rendered_figures_credit_their_sources(single):
    from matplotlib.figure import Figure

    drawn = {}
    original = Figure.savefig

    def keep(figure, *args, **kwargs):
        drawn["credit"] = figure.get_supxlabel()
        return original(figure, *args, **kwargs)

    Figure.savefig = keep
    try:
        plots.render(single, "totals", dpi=30)
    finally:
        Figure.savefig = original
    assert drawn["credit"].startswith(
        "Sources: Statbel, HMD, HFC, FPB (base belgium-2012); scenario belgium-2012. Method: "
        "projsim")


# --- a five-year result ------------------------------------------------------------


@pytest.fixture(scope="module")
def five():
    return projsim.project("wpp2024-belgium-5x5")


def test_pyramid_of_five_year_groups(five):
    """Bars five years high from each group's first age, dated by the result's 1 July."""
    ax = plots.pyramid(five, compare_year=2020)
    females = ax.containers[1]
    assert {bar.get_height() for bar in females} == {5.0}
    assert [bar.get_y() for bar in females] == list(range(0, 131, 5))
    np.testing.assert_allclose(
        [bar.get_width() for bar in females],
        five.population.sel(time=2100, sex="female").sum("region") / 1e3)
    assert ax.get_title() == "Population on 1 July 2100\nBelgium"
    assert ax.get_ylabel() == "age on 1 July [years, 5-year groups]"
    assert ax.get_ylim() == (0.0, 135.0)


def test_totals_and_components_of_five_year_steps(five):
    ax = plots.totals(five)
    assert ax.get_title() == "Population on 1 July, Belgium"
    np.testing.assert_allclose(ax.lines[0].get_xdata(), range(2020, 2101, 5))
    ax = plots.components(five)
    births = ax.containers[0]
    assert {bar.get_width() for bar in births} == {4.0}
    np.testing.assert_allclose([bar.get_height() for bar in births],
                               five.births.sum(["region", "sex"]).values[:-1] / 1e3)
    change = five.population.sum(["region", "sex", "age"]).diff("time").values / 5 / 1e3
    np.testing.assert_allclose(ax.lines[0].get_ydata(), change)
    assert ax.get_ylabel() == "persons per year, means of 5-year steps [thousands]"


def test_cli_plots_a_five_year_result(five, tmp_path):
    path = tmp_path / "five.nc"
    write_netcdf(five, path)
    for kind in ("pyramid", "totals", "components", "tfr", "e0", "dependency"):
        out = tmp_path / f"{kind}.png"
        assert main(["plot", str(path), "--kind", kind, "-o", str(out)]) == EXIT_OK
        assert out.stat().st_size > 1000
