"""The method page's sections on the local model and the effect evaluation of plans
(issues 12 and 13): both languages, the model's numbers as the model object has them
(the shipped default, and a municipality's own model passed as the publisher passes
staging.local_model), the estimator's numbers as the code has them."""

from __future__ import annotations

import re
from html import unescape

import polars as pl
import pytest

from indicators import effects
from indicators.effects_stats import t_quantile
from indicators.local_model import load_local_model
from indicators.site.build import build_site
from indicators.site.messages import Messages
from tests.site.conftest import synthetic_frames, synthetic_refresh


def _own_model():
    """A municipality's model unlike the default: other edges, cut-offs, floor, a
    lower_worse indicator and only some of the default's indicators."""
    default = load_local_model()
    keep = list(default.indicators)[:3] + ["l_utryghed"]
    indicators = {i: default.indicators[i] for i in keep}
    indicators["l_enlig_forsoerger"] = indicators["l_enlig_forsoerger"].model_copy(
        update={"direction": "lower_worse", "label_da": "Børn med én forsørger (egen)",
                "label_en": "Children with one provider (own)"})
    return default.model_copy(update={
        "model_id": "kommunens_egen_2", "min_residents": 750,
        "bands": [type(default.bands[0])(b) for b in ("0.90", "1.20", "1.75", "2.40")],
        "categories": default.categories.model_copy(
            update={"red_from": 13, "orange_from": 9, "yellow_from": 4}),
        "indicators": indicators})


def _build(tmp_path, model=None):
    frames = synthetic_frames()
    if model is not None:
        frames["local_model"] = pl.DataFrame({
            "model_id": [model.model_id], "source": ["models/local.yaml"],
            "model_json": [model.model_dump_json()]})
    out = tmp_path / "site"
    build_site(frames, synthetic_refresh(), out)
    return out


def _section(html: str, anchor: str) -> str:
    match = re.search(rf'<section id="{anchor}".*?</section>', html, re.S)
    assert match, f"no section #{anchor}"
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))))


@pytest.fixture(scope="module")
def default_site(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("method_default"))


@pytest.fixture(scope="module")
def own_site(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("method_own"), _own_model())


def _page(site, lang):
    return (site / ("metode.html" if lang == "da" else "en/metode.html")).read_text("utf-8")


def _check_model(section: str, model, msgs: Messages) -> None:
    lang = msgs.lang
    for ind_id, ind in model.indicators.items():
        assert (ind.label_da if lang == "da" else ind.label_en) in section, ind_id
        assert ind_id in section
    for direction in {i.direction for i in model.indicators.values()}:
        assert msgs.t(f"method.local.direction.{direction}") in section
    edges = [msgs.number(float(b), 2) for b in model.bands]
    assert msgs.t("method.local.band_first", edge=edges[0]) in section
    assert msgs.t("method.local.band_last", edge=edges[-1], n=len(edges)) in section
    for i in range(1, len(edges)):
        assert msgs.t("method.local.band_middle", low=edges[i - 1], high=edges[i],
                      n=i) in section
    c = model.categories
    assert msgs.t("method.local.category", red=c.red_from, orange=c.orange_from,
                  yellow=c.yellow_from, most=len(model.bands) * len(model.indicators),
                  residents=model.min_residents, n=len(model.indicators),
                  per=len(model.bands)) in section


@pytest.mark.parametrize("lang", ["da", "en"])
def test_both_sections_in_the_table_of_contents(default_site, lang):
    html = _page(default_site, lang)
    msgs = Messages.load(lang)
    toc = re.search(r'<nav[^>]*class="toc".*?</nav>', html, re.S).group(0)
    assert f'href="#lokal">{msgs.t("method.toc_local")}' in toc
    assert f'href="#effekt">{msgs.t("method.toc_effects")}' in toc
    assert msgs.t("method.local.title") in _section(html, "lokal")
    assert msgs.t("method.effects.title") in _section(html, "effekt")
    # The plan index is linked from the effect section, relative to the page.
    index = "indsats/index.html"  # each language has its own plan index
    assert f'href="{index}"' in re.search(r'<section id="effekt".*?</section>', html,
                                          re.S).group(0)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_default_model_as_the_model_object_has_it(default_site, lang):
    msgs = Messages.load(lang)
    section = _section(_page(default_site, lang), "lokal")
    model = load_local_model()
    _check_model(section, model, msgs)
    assert model.model_id in section
    assert "[" in section and "models/local.yaml" in section and "BoSocData" in section


@pytest.mark.parametrize("lang", ["da", "en"])
def test_own_model_passed_as_staging_local_model(own_site, lang):
    msgs = Messages.load(lang)
    section = _section(_page(own_site, lang), "lokal")
    model = _own_model()
    _check_model(section, model, msgs)
    assert msgs.t("method.local.intro_own", model=model.model_id,
                  n=len(model.indicators)) in section
    # The default's indicators the own model dropped, and its cut-offs, are not told.
    default = load_local_model()
    for ind_id in set(default.indicators) - set(model.indicators):
        assert ind_id not in section
    dc = default.categories
    assert msgs.t("method.local.category", red=dc.red_from, orange=dc.orange_from,
                  yellow=dc.yellow_from, most=27, residents=default.min_residents, n=9,
                  per=3) not in section


@pytest.mark.parametrize("lang", ["da", "en"])
def test_estimator_numbers_are_the_codes(default_site, lang):
    msgs = Messages.load(lang)
    section = _section(_page(default_site, lang), "effekt")
    assert msgs.t("method.effects.few", min=effects.MIN_COMPARISON) in section
    few = re.search(r"(\d+) (sammenligningsområder|comparison areas)",
                    msgs.t("method.effects.few", min=effects.MIN_COMPARISON))
    assert int(few.group(1)) == effects.MIN_COMPARISON
    assert msgs.t("method.effects.sets", pre=effects.PRE_YEARS, twins=effects.TWINS) in section
    t_min = msgs.number(t_quantile(0.975, effects.MIN_COMPARISON - 1), 2)
    assert t_min in section
    for code in ("K1", "K2", "K3", "K4", "K5"):
        assert code in section
    assert msgs.t("method.effects.limit_short", years=effects.MIN_WINDOW_YEARS + 1,
                  post=effects.MIN_WINDOW_YEARS - 1) in section


def test_plan_pages_link_the_effect_section(tmp_path):
    from tests.site.test_plan_pages import plan_frames

    frames = {**synthetic_frames(), **plan_frames()}
    out = tmp_path / "site"
    build_site(frames, synthetic_refresh(), out)
    pages = sorted((out / "indsats").glob("*.html"))
    plan_pages = [p for p in pages if p.name != "index.html"]
    assert plan_pages
    for p in plan_pages:
        assert 'href="../metode.html#effekt"' in p.read_text("utf-8")
    for p in sorted((out / "en" / "indsats").glob("*.html")):
        if p.name != "index.html":
            assert 'href="../metode.html#effekt"' in p.read_text("utf-8")
