"""The method page's sections on the local model and the effect evaluation of plans.

The local model is described from the model object the refresh scored with
(`staging.local_model`, passed as the frame `local_model`), else the product's shipped
default: its indicators, labels, directions, band edges, points, cut-offs and
min_residents are read from it, never typed here. The estimator's numbers (windows,
twins, the minimum of comparison areas, the t quantile, z) are read from
`indicators.effects` / `effects_stats`; the t quantile is taken from `compare` itself,
so the page states what the code computes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from indicators import effects
from indicators.catalogue import Catalogue
from indicators.effects_stats import Z_95
from indicators.local_model import LocalModel, load_local_model
from indicators.plan_effects import current_definitions
from indicators.site.datatable import Column, DataTable
from indicators.site.messages import Messages

# Comparison-area counts the page gives the t quantile for, beside the minimum.
_T_EXAMPLES = (10, 30)


def model_in_force(local) -> tuple[LocalModel | None, bool]:
    """(the model the local tables were scored with, whether it is the shipped default);
    None when the tables name a model the site was not given."""
    frame = getattr(local, "model_frame", None)
    model_id = local.model.model_id or None
    if frame is not None and frame.height:
        rows = frame.filter(frame["model_id"] == model_id) if model_id else frame
        if rows.height:
            model = LocalModel.model_validate_json(rows["model_json"][0])
            return model, model == load_local_model()
    default = load_local_model()
    if model_id is None or model_id == default.model_id:
        return default, True
    return None, False


def t_used(n: int) -> float:
    """The t quantile `effects.compare` multiplies by with n comparison areas: read back
    from an interval over changes with known spread."""
    changes = [float(i) for i in range(n)]
    result = effects.compare(0.0, changes)
    sd = math.sqrt(sum((c - (n - 1) / 2) ** 2 for c in changes) / (n - 1))
    return (result.ci_high - result.effect) / (sd * math.sqrt(1 + 1 / n))


@dataclass
class LocalSection:
    known: bool
    intro: str
    indicators: DataTable | None
    points: list[str]
    category: str
    undecided: str
    comparison: str
    signal: str
    convention: str


def _measure(catalogue: Catalogue, maal: str, lang: str) -> str:
    m = catalogue.all_measures().get(maal)
    if m is None:
        return maal
    return m.label_da if lang == "da" else m.label_en


def _survey_item(item_id: str, lang: str) -> str:
    from indicators.survey.items import load_items

    item = load_items().get(item_id)
    if item is None:
        return item_id
    return item.share_label_da if lang == "da" else item.share_label_en


def local_section(msgs: Messages, catalogue: Catalogue, local) -> LocalSection:
    t, lang = msgs.t, msgs.lang
    lag = catalogue.signals.local.data_year_lag
    words = [t(f"local.category.{c}") for c in catalogue.signals.local.categories]
    signal_categories = words[0] if len(words) == 1 else (
        ", ".join(words[:-1]) + f" {t('method.colours.or')} " + words[-1])
    signal = t("method.local.signal", lag=lag, categories=signal_categories)
    convention = t("method.local.convention")
    model, is_default = model_in_force(local)
    if model is None:
        return LocalSection(False, t("method.local.unknown_model", model=local.model.model_id),
                            None, [], "", "", t("method.local.comparison"), signal, convention)
    rows = []
    for ind_id, ind in model.indicators.items():
        if ind.is_survey:
            source = t("method.local.source_survey", item=_survey_item(ind.survey_item, lang))
            unit = t("method.local.unit_pct")
        else:
            source = t("method.local.source_ratio",
                       numerator=_measure(catalogue, ind.numerator, lang),
                       denominator=_measure(catalogue, ind.denominator, lang))
            unit = t(f"method.local.unit_{ind.unit}")
        rows.append({"indicator": ind.label_da if lang == "da" else ind.label_en,
                     "source": source, "unit": unit,
                     "direction": t(f"method.local.direction.{ind.direction}"),
                     "id": ind_id})
    table = DataTable(
        slug="lokal_model_indikatorer", lang=lang,
        caption=t("method.local.caption"),
        columns=[Column("indicator", t("method.local.indicator")),
                 # On a phone the label, unit and direction stay; the measures go.
                 Column("source", t("method.local.source"), secondary=True),
                 Column("unit", t("method.local.unit")),
                 Column("direction", t("method.local.direction_header")),
                 Column("id", t("method.local.id"), secondary=True)],
        rows=rows)
    edges = [msgs.number(float(b), max(2, _places(b))) for b in model.bands]
    points = [t("method.local.band_first", edge=edges[0])]
    for i in range(1, len(edges)):
        points.append(t("method.local.band_middle", low=edges[i - 1], high=edges[i], n=i))
    points.append(t("method.local.band_last", edge=edges[-1], n=len(edges)))
    c = model.categories
    most = model.max_points * len(model.indicators)
    intro = t("method.local.intro_default" if is_default else "method.local.intro_own",
              model=model.model_id, n=len(model.indicators))
    return LocalSection(
        known=True, intro=intro, indicators=table, points=points,
        category=t("method.local.category", red=c.red_from, orange=c.orange_from,
                   yellow=c.yellow_from, most=most, residents=model.min_residents,
                   n=len(model.indicators), per=model.max_points),
        undecided=t("method.local.undecided", per=model.max_points),
        comparison=t("method.local.comparison"), signal=signal, convention=convention)


def _places(value) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


@dataclass
class EffectSection:
    intro: str
    indicators: str
    windows: str
    delimitation: str
    sets: str
    estimate: str
    interval: str
    placebo: str
    few: str
    survey: str
    limits: list[str]


def effect_section(msgs: Messages, catalogue: Catalogue, local) -> EffectSection:
    t = msgs.t
    codes = [t(f"rules.indicator.{d.indicator_id}.code") for d in current_definitions(catalogue)]
    model, _ = model_in_force(local)
    register_local = [] if model is None else [
        (i.label_da if msgs.lang == "da" else i.label_en)
        for i in model.indicators.values() if not i.is_survey]
    survey_local = [] if model is None else [
        (i.label_da if msgs.lang == "da" else i.label_en)
        for i in model.indicators.values() if i.is_survey]
    indicators = t("method.effects.indicators", codes=msgs.join(codes))
    if register_local:
        indicators += " " + t("method.effects.indicators_local", labels=msgs.join(register_local))
    if survey_local:
        indicators += " " + t("method.effects.indicators_survey",
                              labels=msgs.join(survey_local))
    n_min = effects.MIN_COMPARISON
    return EffectSection(
        intro=t("method.effects.intro"),
        indicators=indicators,
        windows=t("method.effects.windows", pre=effects.PRE_YEARS,
                  min_years=effects.MIN_WINDOW_YEARS),
        delimitation=t("method.effects.delimitation"),
        sets=t("method.effects.sets", pre=effects.PRE_YEARS, twins=effects.TWINS),
        estimate=t("method.effects.estimate"),
        interval=t("method.effects.interval", min=n_min, t_min=t_used(n_min),
                   n1=_T_EXAMPLES[0], t1=t_used(_T_EXAMPLES[0]),
                   n2=_T_EXAMPLES[1], t2=t_used(_T_EXAMPLES[1])),
        placebo=t("method.effects.placebo"),
        few=t("method.effects.few", min=n_min),
        survey=t("method.effects.survey", z=Z_95),
        limits=[t("method.effects.limit_moves"), t("method.effects.limit_regression"),
                t("method.effects.limit_parallel"),
                t("method.effects.limit_short", years=effects.MIN_WINDOW_YEARS + 1,
                  post=effects.MIN_WINDOW_YEARS - 1),
                t("method.effects.limit_other")],
    )
