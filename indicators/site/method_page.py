"""The method page (metode.html): the colour model, every regime's rules, conventions.

Nothing here is typed twice: the signals, their colours and limits come from
the catalogue's `signals` section, every regime's criteria, thresholds,
averaging windows, data years, numerators and statuses from its `regimes`,
and kombineret udlejning from its own section; the words around them come
from messages/method.<lang>.yaml. So the 2010 rules' four-year averages,
2013's K3 counting unknown education and 2018's relative K2 are stated as
the catalogue computes them.
"""

from __future__ import annotations

import inspect
from decimal import Decimal

from indicators.catalogue import Catalogue, Regime, Threshold
from indicators.site.datatable import NOT_APPLICABLE, Column, DataTable
from indicators.site.messages import Messages
from indicators.site.method_sections import effect_section, local_section
from indicators.site.model import SiteData
from indicators.site.render import PageWriter
from indicators.site.rules import CSS_KEY
from indicators.survey import survey_results

# The survey marts' default when the site's options do not carry the configured value.
_DEFAULT_MIN_ANSWERS = inspect.signature(survey_results).parameters["min_answers"].default
_COMPARISON_KEY = {">": "gt", ">=": "ge", "<": "lt", "<=": "le"}
SIGNAL_CODES = ("status", "forebyggelse", "floor", "near", "projected", "survey")


def _places(value: Decimal) -> int:
    """Decimals as the catalogue writes them ("2.70" keeps two)."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


class _Method:
    def __init__(self, msgs: Messages, catalogue: Catalogue):
        self.msgs, self.c = msgs, catalogue
        self.lang = msgs.lang

    def t(self, key: str, **params) -> str:
        return self.msgs.t(key, **params)

    def label(self, indicator_id: str) -> str:
        return (self.t(f"rules.indicator.{indicator_id}.code") + " "
                + self.t(f"rules.indicator.{indicator_id}.title"))

    def code(self, indicator_id: str) -> str:
        return self.t(f"rules.indicator.{indicator_id}.code")

    def comparison(self, threshold: Threshold) -> str:
        return self.t(f"rules.comparison.{_COMPARISON_KEY[threshold.comparison]}")

    def status(self, status: str, regime_id: str) -> str:
        rule = self.c.regimes[regime_id].statuses[status]
        return rule.label_da if self.lang == "da" else rule.label_en

    def regime_label(self, regime_id: str) -> str:
        r = self.c.regimes[regime_id]
        if r.in_force_to is None:
            return self.t("rules.regime.period_open", start=regime_id, first=r.in_force_from)
        return self.t("rules.regime.period_closed", start=regime_id, first=r.in_force_from,
                      last=r.in_force_to)

    def measure(self, maal: str) -> str:
        m = self.c.measures[maal]
        return m.label_da if self.lang == "da" else m.label_en

    # --- the colour model ----------------------------------------------------

    def signal_rows(self) -> list[dict]:
        s = self.c.signals
        latest = self.c.regimes[self.c.regime_ids[-1]]
        rows = [
            ("status", s.status.colour, self.t(
                "method.colours.status", statuses=self._or_list(
                    [self.status(x, latest_id) for x in s.status.statuses
                     for latest_id in [self._regime_with(x)]]))),
            ("forebyggelse", s.forebyggelse.colour, self.t(
                "method.colours.forebyggelse",
                status=self.status(s.forebyggelse.status,
                                   self._regime_with(s.forebyggelse.status)).lower())),
            ("floor", s.floor.colour, self.t(
                "method.colours.floor", floor=latest.resident_floor,
                share=float(s.floor.margin_share) * 100)),
            ("near", s.near.colour, self.t("method.colours.near", pp=float(s.near.margin_pp))),
            ("projected", s.projected.colour, self.t("method.colours.projected",
                                                     lists=s.projected.lists)),
            ("survey", s.survey.colour, self.t("method.colours.survey",
                                               years=s.survey.lists_after_wave)),
        ]
        out = [{"signal": self.t(f"method.colours.names.{code}"), "rule": rule,
                "colour": CSS_KEY[colour]} for code, colour, rule in rows]
        out.append({"signal": self.t("method.colours.names.local"),
                    "rule": self.t("method.colours.local", lag=s.local.data_year_lag),
                    "colour": None})
        return out

    def _regime_with(self, status: str) -> str:
        return next(r for r in reversed(self.c.regime_ids)
                    if status in self.c.regimes[r].statuses)

    def _or_list(self, items: list[str]) -> str:
        items = [i.lower() for i in items]
        word = self.t("method.colours.or")
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]

    def severity(self) -> str:
        return " > ".join(self.t(f"rules.colour.{c}.label") for c in
                          [*self.c.signals.severity, "green"])

    # --- regimes -------------------------------------------------------------

    def criteria_rows(self) -> list[dict]:
        rows = []
        for regime_id in self.c.regime_ids:
            regime = self.c.regimes[regime_id]
            for indicator_id, criterion in regime.criteria.items():
                d = self.c.definition(regime_id, indicator_id)
                main, prevention = criterion.threshold, criterion.forebyggelse_threshold
                default = tuple(self.c.indicators[indicator_id].numerator)
                offsets = d.data_year_offsets()
                if max(offsets) == 0:
                    years = self.t("method.criteria.data_year_zero")
                elif len(offsets) == 1:
                    years = self.t("method.criteria.data_year_value", first=offsets[0])
                else:
                    years = self.t("method.criteria.data_years_value", first=max(offsets),
                                   last=min(offsets))
                rows.append({
                    "regime": self.regime_label(regime_id),
                    "list_date": self.msgs.fmt.day_month(regime.list_date),
                    "criterion": self.label(indicator_id),
                    "comparison": self.comparison(main), "value": float(main.value),
                    "vd": _places(main.value), "unit": self._unit(main),
                    "prevention_comparison": self.comparison(prevention) if prevention
                    else NOT_APPLICABLE,
                    "prevention_value": float(prevention.value) if prevention
                    else NOT_APPLICABLE,
                    "pd": _places(prevention.value) if prevention else 0,
                    "window": self.t("method.criteria.window_years", n=d.window),
                    "data_years": years,
                    "numerator": self.t("method.criteria.numerator_note",
                                        regime=self.regime_label(regime_id),
                                        code=self.code(indicator_id),
                                        measures=" + ".join(self.measure(m) for m in d.numerator))
                    if d.numerator != default or len(d.numerator) > 1 else "",
                })
        return rows

    def _threshold_text(self, threshold: Threshold) -> str:
        value = self.msgs.number(float(threshold.value), _places(threshold.value))
        if threshold.relative_to == "national":
            return f"{value} {self.t('method.criteria.unit_national')}"
        return self.msgs.percent(float(threshold.value), _places(threshold.value))

    def _unit(self, threshold: Threshold) -> str:
        return self.t("method.criteria.unit_national" if threshold.relative_to == "national"
                      else "method.criteria.unit_percent")

    def status_lines(self, regime_id: str) -> list[str]:
        regime: Regime = self.c.regimes[regime_id]
        lines = []
        for name in reversed(regime.status_order()):
            rule = regime.statuses[name]
            parts = []
            for other in rule.requires:
                if rule.lookback is None or other != rule.lookback.status:
                    parts.append(self.t("method.criteria.requires",
                                        statuses=self.status(other, regime_id).lower()))
            for req in rule.all_of:
                prevention = req.level == "forebyggelse"
                if len(req.of) == 1:
                    criterion = regime.criteria[req.of[0]]
                    threshold = criterion.threshold_for(req.level)
                    parts.append(self.t(
                        "method.criteria.single_prevention" if prevention
                        else "method.criteria.single", code=self.code(req.of[0]),
                        comparison=self.comparison(threshold),
                        threshold=self._threshold_text(threshold)))
                    continue
                key = ("method.criteria.requirement_prevention" if prevention
                       else "method.criteria.requirement")
                parts.append(self.t(key, n=req.at_least,
                                    criteria=self.msgs.join([self.code(i) for i in req.of])))
            if rule.lookback is not None:
                parts.append(self.t("method.criteria.lookback",
                                    status=self.status(rule.lookback.status, regime_id).lower(),
                                    n=rule.lookback.lists))
            for other in rule.excludes:
                parts.append(self.t("method.criteria.excludes",
                                    statuses=self.status(other, regime_id).lower()))
            lines.append(self.t("method.criteria.status_line", status=self.status(name, regime_id),
                                rules=self.msgs.join(parts)))
        return lines

    def kombi(self) -> str:
        k = self.c.kombineret_udlejning
        rules = [self.t("method.criteria.kombi_rule", residents=r.min_residents,
                        lag=k.data_year_lag, comparison=self.comparison(r.threshold),
                        value=float(r.threshold.value)) for r in k.rules]
        label = k.label_da if self.lang == "da" else k.label_en
        return self.t("method.criteria.kombi", label=label, rules=self.msgs.join(rules))


def write_method_page(data: SiteData, writer: PageWriter) -> None:
    msgs: Messages = getattr(writer, "msgs", None) or Messages.load("da")
    catalogue = data.rules.catalogue
    m = _Method(msgs, catalogue)
    signals = DataTable(
        slug="signaler", caption=m.t("method.colours.caption"), lang=msgs.lang,
        columns=[Column("signal", m.t("method.colours.signal")),
                 Column("colour", m.t("method.colours.colour"), "category"),
                 Column("rule", m.t("method.colours.rule"))],
        rows=m.signal_rows(),
    )
    criteria = DataTable(
        slug="kriterier", caption=m.t("method.criteria.caption"), lang=msgs.lang,
        columns=[Column("regime", m.t("method.criteria.regime")),
                 Column("criterion", m.t("method.criteria.criterion")),
                 Column("comparison", m.t("method.criteria.comparison")),
                 Column("value", m.t("method.criteria.value"), "dec2", decimals_key="vd"),
                 Column("unit", m.t("method.criteria.unit")),
                 Column("prevention_comparison", m.t("method.criteria.prevention_comparison")),
                 Column("prevention_value", m.t("method.criteria.prevention_value"), "dec2",
                        decimals_key="pd"),
                 Column("window", m.t("method.criteria.window")),
                 Column("data_years", m.t("method.criteria.data_years")),
                 Column("list_date", m.t("method.criteria.list_date"), secondary=True)],
        rows=m.criteria_rows(),
    )
    numerator_notes = [r["numerator"] for r in criteria.rows if r["numerator"]]
    regimes = [{"label": m.regime_label(r), "lines": m.status_lines(r)}
               for r in catalogue.regime_ids]
    latest = catalogue.regimes[catalogue.regime_ids[-1]]
    local = local_section(msgs, catalogue, data.local)
    writer.page(
        "metode.html", "method.html.j2",
        tables=[signals, criteria, *([local.indicators] if local.indicators else [])],
        local=local, effects=effect_section(msgs, catalogue, data.local),
        page_title=m.t("method.page_title"), nav="metode", uses_plotly=False,
        signals=signals, criteria=criteria, regimes=regimes, numerator_notes=numerator_notes,
        kombi=m.kombi(),
        severity=m.severity(), floor=latest.resident_floor,
        rule_change_years=msgs.join(data.rules.rule_change_years),
        data=data, provenance=writer.provenance(),
        regime_label=m.regime_label(data.current_regime) if data.current_regime else
        msgs.t("common.unknown"),
        has_early_warning=data.has_early_warning,
        stale_hours=data.options.stale_after_hours,
        min_answers=getattr(data.options, "min_survey_answers", _DEFAULT_MIN_ANSWERS),
    )
