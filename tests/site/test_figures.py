import json

from indicators.site import figures
from indicators.site.geo import TOPOJSON_STUB, label_point, rewind_for_plotly
from tests.site.conftest import synthetic_geojson


def _layout(fig) -> dict:
    # A figure is plain Plotly JSON; round-tripping proves it serialises as is.
    return json.loads(json.dumps(fig))["layout"]


def _trend(**kw):
    args = dict(title="K1", years=list(range(2010, 2025)), values=[40.0 + i for i in range(15)],
                thresholds=[40.0] * 15, value_name="Området", threshold_name="Grænse")
    args.update(kw)
    return figures.trend_figure(**args)


def test_every_builder_uses_danish_separators_and_no_default_template():
    built = [
        _trend(),
        figures.survey_area_figure(title="t", labels=["2010"], shares=[36.0], lows=[29.0],
                                   highs=[44.0], overall=[17.0], overall_lows=[15.0],
                                   overall_highs=[19.0], area_name="Vangdalen"),
        figures.survey_wave_figure(title="t", names=["A"], shares=[36.0], lows=[29.0],
                                   highs=[44.0], comparisons=["over"], overall=17.0),
        figures.ranking_figure(title="t", names=["A", "B"], values=[46.0, 20.0],
                               meets=[True, False], threshold=40.0, threshold_name="Grænse"),
    ]
    for fig in built:
        layout = _layout(fig)
        assert layout["separators"] == ",."
        # An empty template: Plotly's default one would add kilobytes to every chart.
        assert len(json.dumps(layout.get("template", {}))) < 200
        for trace in json.loads(json.dumps(fig))["data"]:
            # Hover values are formatted by Plotly, so they follow the separators.
            if "hovertemplate" in trace:
                assert ":.1f}" in trace["hovertemplate"] or ":.2f}" in trace["hovertemplate"]
            else:
                assert trace.get("hoverinfo") == "skip"


def test_trend_marks_rule_changes_between_the_years():
    layout = _layout(_trend(rule_changes=(2013, 2018, 2021), rule_change_hover="Nye regler {year}"))
    xs = sorted(s["x0"] for s in layout["shapes"])
    assert xs == [2012.5, 2017.5, 2020.5]
    # The year alone on the chart (a longer label collides on a phone), the words on hover.
    assert [a["text"] for a in layout["annotations"]] == ["2013", "2018", "2021"]
    assert [a["hovertext"] for a in layout["annotations"]] == \
        ["Nye regler 2013", "Nye regler 2018", "Nye regler 2021"]


def test_trend_year_axis_reads_whole_years():
    layout = _layout(_trend())
    axis = layout["xaxis"]
    assert axis["tickformat"] == "d" and axis["dtick"] in (1, 2) and axis["automargin"]
    assert axis["tick0"] == 2010


def test_trend_draws_prevention_threshold_beside_the_main_one():
    fig = _trend(thresholds=[40.0] * 15, prevention_thresholds=[30.0] * 15,
                 prevention_name="Forebyggelsesgrænse")
    names = [t["name"] for t in fig["data"]]
    assert "Forebyggelsesgrænse" in names and "Grænse" in names
    prevention = fig["data"][names.index("Forebyggelsesgrænse")]
    assert prevention["y"] == [30.0] * 15
    assert prevention["line"]["dash"] != fig["data"][names.index("Grænse")]["line"]["dash"]
    # Where the prevention threshold is the main one (K3's 60 %), no second line.
    same = _trend(thresholds=[60.0] * 15, prevention_thresholds=[60.0] * 15,
                  prevention_name="Forebyggelsesgrænse")
    assert "Forebyggelsesgrænse" not in [t["name"] for t in same["data"]]
    # Years without a prevention level (before 2021 under older rules) are gaps.
    mixed = _trend(prevention_thresholds=[None] * 11 + [30.0] * 4,
                   prevention_name="Forebyggelsesgrænse")
    line = next(t for t in mixed["data"] if t["name"] == "Forebyggelsesgrænse")
    assert line["y"][:11] == [None] * 11 and line["y"][11:] == [30.0] * 4


def test_survey_area_figure_draws_the_rest_of_the_wave_and_the_whole_wave():
    fig = figures.survey_area_figure(
        title="t", labels=["2010"], shares=[36.0], lows=[28.0], highs=[44.8], overall=[17.0],
        overall_lows=[15.1], overall_highs=[19.1], rest=[15.1], rest_lows=[13.3],
        rest_highs=[17.2], area_name="Vangdalen", rest_name="Resten af undersøgelsen",
        overall_name="Hele undersøgelsen")
    by_name = {t["name"]: t for t in fig["data"]}
    assert set(by_name) == {"Vangdalen", "Resten af undersøgelsen", "Hele undersøgelsen"}
    assert by_name["Resten af undersøgelsen"]["y"] == [15.1]
    assert by_name["Resten af undersøgelsen"]["error_y"]["arrayminus"] == [15.1 - 13.3]


def test_english_figures_use_english_separators_and_percent():
    fig = _trend(lang="en")
    assert _layout(fig)["separators"] == ".,"
    assert fig["layout"]["yaxis"]["ticksuffix"] == "%"
    assert all(" %<" not in t.get("hovertemplate", "") for t in fig["data"])
    ranking = figures.ranking_figure(title="t", names=["A"], values=[46.04], meets=[True],
                                     threshold=40.0, threshold_name="Threshold", lang="en",
                                     legends=("Meets", "Does not meet"))
    assert ranking["data"][0]["text"] == ["46.0% ✔"] and ranking["data"][0]["name"] == "Meets"
    danish = figures.ranking_figure(title="t", names=["A"], values=[46.04], meets=[True],
                                    threshold=40.0, threshold_name="Grænse")
    assert danish["data"][0]["text"] == ["46,0 % ✔"]


def test_trend_without_early_years_skips_rule_changes_before_the_series():
    layout = _layout(_trend(years=[2019, 2020, 2021], values=[1, 2, 3], thresholds=[4, 4, 4],
                            rule_changes=(2013, 2018, 2021)))
    assert [s["x0"] for s in layout["shapes"]] == [2020.5]


def test_trend_draws_projection_band_and_carries_threshold_forward():
    projection = {"years": [2024, 2025, 2026], "values": [54.0, 55.0, 56.0],
                  "low": [54.0, 54.5, 55.0], "high": [54.0, 56.0, 58.0], "name": "Fremskrevet"}
    fig = _trend(projection=projection)
    names = [t["name"] for t in fig["data"]]
    assert "Usikkerhed på fremskrivningen" in names and "Fremskrevet" in names
    band = next(t for t in fig["data"] if t["name"] == "Usikkerhed på fremskrivningen")
    assert band["fill"] == "toself" and len(band["x"]) == 6
    threshold = next(t for t in fig["data"] if t["name"] == "Grænse")
    assert list(threshold["x"])[-1] == 2026 and list(threshold["y"])[-1] == 40.0


def test_survey_wave_figure_flags_over_with_shape_and_label_not_colour_alone():
    fig = figures.survey_wave_figure(
        title="t", names=["Vangdalen", "Lille", "Stor"], shares=[36.0, 41.7, 10.0],
        lows=[28.8, 19.3, 6.0], highs=[43.9, 68.1, 15.0],
        comparisons=["over", "ingen forskel", "under"], overall=17.0)
    by_name = {t["name"]: t for t in fig["data"]}
    over = by_name["Signifikant flere utrygge end resten"]
    assert list(over["y"]) == ["▲ Vangdalen"] and over["marker"]["symbol"] == "diamond"
    # The small area with a high share but a wide interval is not in the flagged group.
    assert "Lille" in list(by_name["Ingen sikker forskel"]["y"])
    assert list(over["error_x"]["array"]) == [43.9 - 36.0]
    assert _layout(fig)["shapes"][0]["x0"] == 17.0


def test_ranking_text_labels_carry_the_met_mark():
    fig = figures.ranking_figure(title="t", names=["A", "B"], values=[46.04, 20.0],
                                 meets=[True, False], threshold=40.0, threshold_name="Grænse")
    met = next(t for t in fig["data"] if t["name"] == "Opfylder kriteriet")
    assert list(met["text"]) == ["46,0 % ✔"]


def test_map_is_an_outline_map_without_tiles():
    gj = rewind_for_plotly(synthetic_geojson())
    ids = [f["properties"]["area_id"] for f in gj["features"]]
    fig = figures.map_figure(
        title="t", geojson=gj, area_ids=ids, z=list(range(len(ids))), labels=ids, hovers=ids,
        label_lon=[0.0] * len(ids), label_lat=[0.0] * len(ids),
        colorscale=figures.discrete_colorscale(["#000", "#fff"]), zmin=0, zmax=1, colorbar={})
    data = json.loads(json.dumps(fig))
    choropleth = data["data"][0]
    assert choropleth["type"] == "choropleth"
    assert choropleth["featureidkey"] == "properties.area_id"
    geo = data["layout"]["geo"]
    assert geo["fitbounds"] == "locations" and geo["visible"] is False
    assert all(t["type"] not in ("choroplethmap", "scattermap", "densitymap")
               for t in data["data"])


def test_discrete_colorscale_gives_each_step_its_colour():
    scale = figures.discrete_colorscale(["#a", "#b", "#c"])
    assert scale[0] == [0.0, "#a"] and scale[-1] == [1.0, "#c"]
    assert [c for _, c in scale] == ["#a", "#a", "#b", "#b", "#c", "#c"]


def _signed_area(ring):
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1],
                                                               strict=True)) / 2


def test_rewind_makes_exteriors_clockwise_and_holes_counter_clockwise():
    outer_ccw = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    hole_cw = [[0.2, 0.2], [0.2, 0.8], [0.8, 0.8], [0.8, 0.2], [0.2, 0.2]]
    gj = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"area_id": "a", "secret": 1},
         "geometry": {"type": "Polygon", "coordinates": [outer_ccw, hole_cw]}},
        {"type": "Feature", "properties": {"area_id": "b"},
         "geometry": {"type": "MultiPolygon", "coordinates": [[outer_ccw]]}},
        {"type": "Feature", "properties": {"area_id": "other"},
         "geometry": {"type": "Polygon", "coordinates": [outer_ccw]}},
    ]}
    out = rewind_for_plotly(gj, keep_ids={"a", "b"})
    assert [f["properties"] for f in out["features"]] == [{"area_id": "a"}, {"area_id": "b"}]
    exterior, hole = out["features"][0]["geometry"]["coordinates"]
    assert _signed_area(exterior) < 0 < _signed_area(hole)
    assert _signed_area(out["features"][1]["geometry"]["coordinates"][0][0]) < 0
    # Input untouched (RFC 7946 order kept for other readers).
    assert _signed_area(gj["features"][0]["geometry"]["coordinates"][0]) > 0


def test_label_point_is_inside_the_area_and_stub_has_every_layer():
    feature = {"geometry": {"type": "Polygon",
                            "coordinates": [[[10, 56], [10, 56.2], [10.4, 56.2], [10.4, 56],
                                             [10, 56]]]}}
    lon, lat = label_point(feature)
    assert abs(lon - 10.2) < 1e-9 and abs(lat - 56.1) < 1e-9
    assert {"land", "countries", "coastlines", "subunits"} <= set(TOPOJSON_STUB["objects"])
