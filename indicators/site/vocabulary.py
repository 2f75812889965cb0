"""Compatibility names for pages not yet moved to `rules` and `messages` (Danish only).

Nothing here is typed a second time: every rule is derived from the
catalogue (`rules.rules()`), every word from the Danish message catalogue.
New code uses `indicators.site.rules.Rules` and `signals.Words` instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from indicators.site.messages import Messages
from indicators.site.rules import COLOUR_ORDER, CSS_KEY, HEX, RANK, rules

_R = rules()
_DA = Messages.load("da")

REGIME_STARTS = tuple(_R.regime(r).in_force_from for r in _R.regime_ids)
RULE_CHANGE_YEARS = _R.rule_change_years


def regime_in_force(list_year: int) -> str | None:
    return _R.regime_in_force(list_year)


def regime_label(regime_id: str, lang_messages: Messages = _DA) -> str:
    first, last = _R.regime_period(regime_id)
    if last is None:
        return lang_messages.t("rules.regime.period_open", start=regime_id, first=first)
    return lang_messages.t("rules.regime.period_closed", start=regime_id, first=first,
                           last=last)


REGIME_LABELS = {r: regime_label(r) for r in _R.regime_ids}
REGIME_CRITERIA = {r: tuple(_R.counted(r)) for r in _R.regime_ids}
REGIME_REQUIRED = {r: _R.required(r) for r in _R.regime_ids}
REGIME_STATUSES = {r: tuple(_R.statuses(r)) for r in _R.regime_ids}


@dataclass(frozen=True)
class Indicator:
    id: str
    code: str
    short: str
    long: str
    below: bool = False
    unit: str = "%"


INDICATORS: dict[str, Indicator] = {
    i: Indicator(i, _DA.t(f"rules.indicator.{i}.code"), _DA.t(f"rules.indicator.{i}.title"),
                 _R.catalogue.indicators[i].label_da, below=_R.below(i))
    for i in _R.indicator_ids
}
INDICATOR_ORDER = list(INDICATORS)

_COMPARISON_KEY = {">": "gt", ">=": "ge", "<": "lt", "<=": "le"}


def indicator_label(indicator_id: str) -> str:
    ind = INDICATORS[indicator_id]
    return f"{ind.code} {ind.short}"


def threshold_words(indicator_id: str, regime: str | None, level: str = "main") -> str:
    comparison = _R.comparison(indicator_id, regime, level) or (
        "<" if _R.below(indicator_id) else ">")
    return _DA.t(f"rules.comparison.{_COMPARISON_KEY[comparison]}")


STATUS_COLUMNS = tuple(_R.all_statuses())


def status_label(status: str, regime: str | None) -> str:
    return _R.status_label(status, regime)


@dataclass(frozen=True)
class Category:
    key: str
    rank: int
    colour: str
    label: str
    meaning: str


def _meaning(colour: str) -> str:
    floor = _R.regime(_R.regime_ids[-1]).resident_floor
    key = f"rules.colour.{colour}.meaning"
    return _DA.t(key, floor=floor) if colour == "orange" else _DA.t(key)


CATEGORIES: dict[str, Category] = {
    CSS_KEY[c]: Category(CSS_KEY[c], RANK[c], HEX[c], _DA.t(f"rules.colour.{c}.label"),
                         _meaning(c))
    for c in COLOUR_ORDER
}
CATEGORY_ORDER = [CSS_KEY[c] for c in COLOUR_ORDER]
