"""The signals and statuses in words, per language.

`mart.area_signals` holds codes and numbers; `Words` writes them as a
planner reads them ("K2 dømte: 2,61 % mod tærsklen mindst 2,88 % (0,27
procentpoint fra)"), from the message catalogue (`messages/signals.*.yaml`,
`messages/rules.*.yaml`) and the catalogue's own status labels. A value, its
threshold and the distance between them are shown with the decimals that
make the subtraction hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from indicators.site.formatting import aligned_decimals
from indicators.site.messages import Messages
from indicators.site.model import AreaState, Signal, SiteData
from indicators.site.rules import COLOUR_ORDER, CSS_KEY, RANK

COMPARISON_KEY = {">": "gt", ">=": "ge", "<": "lt", "<=": "le"}
# The order in which an area's reasons are told: the list first, the survey last.
SIGNAL_ORDER = ("status", "forebyggelse", "floor", "near", "projected", "survey", "local")


@dataclass
class Words:
    lang: str
    msgs: Messages
    data: SiteData

    def __post_init__(self):
        # Bound once: the pages call t() hundreds of thousands of times.
        self.t = self.msgs.t
        # The same few labels, asked for on every row of every page: made once each.
        self._labels: dict[tuple, str] = {}

    def _once(self, key: tuple, work, *args) -> str:
        text = self._labels.get(key)
        if text is None:
            text = self._labels[key] = work(*args)
        return text

    @classmethod
    def load(cls, lang: str, data: SiteData) -> Words:
        return _words(lang, id(data), data)

    def t(self, key: str, **params) -> str:
        return self.msgs.t(key, **params)

    # --- rules ---------------------------------------------------------------

    def indicator_code(self, indicator_id: str) -> str:
        return self.t(f"rules.indicator.{indicator_id}.code")

    def indicator_title(self, indicator_id: str) -> str:
        return self.t(f"rules.indicator.{indicator_id}.title")

    def indicator_label(self, indicator_id: str) -> str:
        return self._once(("indicator", indicator_id), self._indicator_label, indicator_id)

    def _indicator_label(self, indicator_id: str) -> str:
        return f"{self.indicator_code(indicator_id)} {self.indicator_title(indicator_id)}"

    def status_label(self, status: str, regime: str | None) -> str:
        return self.data.rules.status_label(status, regime, self.lang)

    def regime_label(self, regime_id: str | None) -> str:
        return self._once(("regime", regime_id), self._regime_label, regime_id)

    def _regime_label(self, regime_id: str | None) -> str:
        if regime_id is None:
            return self.t("common.unknown")
        first, last = self.data.rules.regime_period(regime_id)
        if last is None:
            return self.t("rules.regime.period_open", start=regime_id, first=first)
        return self.t("rules.regime.period_closed", start=regime_id, first=first, last=last)

    def colour_label(self, colour: str) -> str:
        return self.t(f"rules.colour.{colour}.label")

    def colour_meaning(self, colour: str) -> str:
        if colour == "orange":
            rules = self.data.rules
            floor = rules.regime(rules.regime_ids[-1]).resident_floor
            return self.t("rules.colour.orange.meaning", floor=floor)
        return self.t(f"rules.colour.{colour}.meaning")

    def comparison(self, indicator_id: str, regime: str | None, level: str = "main") -> str:
        return self._once(("comparison", indicator_id, regime, level), self._comparison,
                          indicator_id, regime, level)

    def _comparison(self, indicator_id: str, regime: str | None, level: str) -> str:
        comparison = self.data.rules.comparison(indicator_id, regime, level) or (
            "<" if self.data.rules.below(indicator_id) else ">")
        return self.t(f"rules.comparison.{COMPARISON_KEY[comparison]}")

    colours = COLOUR_ORDER
    css_key = CSS_KEY
    rank = RANK

    # --- statuses ------------------------------------------------------------

    def headline(self, state: AreaState | None) -> str:
        if state is None:
            return self.t("overview.no_status")
        if state.headline:
            return self.status_label(state.headline, state.regime)
        return self.t("overview.unknown_status" if state.unknown_list else "overview.not_listed")

    # --- criteria --------------------------------------------------------------

    def criterion(self, indicator_id: str | None, value, threshold, distance,
                  regime: str | None, level: str = "main") -> str:
        if indicator_id is None:
            return ""
        code, short = self.indicator_code(indicator_id), self.t(
            f"rules.indicator.{indicator_id}.short")
        if value is None:
            return self.t("signals.criterion.unknown", code=code, short=short)
        if threshold is None:
            return self.t("signals.criterion.bare", code=code, short=short) + ": " + \
                self.msgs.percent(value)
        d = aligned_decimals(value, threshold)
        if distance is None:
            distance = (threshold - value) if self.data.rules.below(indicator_id) else (
                value - threshold)
        key = "signals.criterion.met" if distance >= 0 else "signals.criterion.missed"
        return self.t(key, code=code, short=short, value=self.msgs.percent(value, d),
                      comparison=self.comparison(indicator_id, regime, level),
                      threshold=self.msgs.percent(threshold, d),
                      distance=self.msgs.points(abs(distance), d, signed=False))

    def signal_criterion(self, s: Signal, level: str = "main") -> str:
        return self.criterion(s.indicator_id, s.value, s.threshold, s.distance_pp, s.regime,
                              level)

    # --- signals -----------------------------------------------------------------

    def _status_of(self, state: AreaState, s: Signal | None = None) -> str:
        """The status a floor/near/projected signal is about: the row's own, else the
        regime's first list (udsat from 2018, the ghetto list before)."""
        status = s.get("status") if s is not None else None
        if status is None:
            listed = self.data.rules.list_statuses(state.regime)
            status = listed[-1]
        return self.status_label(status, state.regime).lower()

    def wave_label(self, wave_id: str | None) -> str:
        year = self.data.wave_year(wave_id)
        return str(year) if year is not None else str(wave_id)

    def signal_sentences(self, state: AreaState) -> list[tuple[str, str, str]]:
        """(signal code, colour, sentence) for every signal of the area, the list first."""
        out: list[tuple[str, str, str]] = []
        by_kind: dict[str, list[Signal]] = {}
        for s in state.signals:
            by_kind.setdefault(s.signal, []).append(s)
        for kind in sorted(by_kind, key=lambda k: SIGNAL_ORDER.index(k)
                           if k in SIGNAL_ORDER else len(SIGNAL_ORDER)):
            rows = by_kind[kind]
            colour = max(rows, key=lambda s: RANK[s.colour]).colour
            if kind == "status":
                status = self.status_label(rows[0].get("status") or state.headline,
                                           state.regime) if (rows[0].get("status") or
                                                             state.headline) else ""
                crits = [self.criterion(c.indicator_id, c.value, c.threshold, c.margin,
                                        state.regime) for c in state.criteria if c.meets]
                text = (self.t("signals.status", status=status, criteria=self.msgs.join(crits))
                        if crits else self.t("signals.status_bare", status=status))
                out.append((kind, colour, text))
            elif kind == "forebyggelse":
                crits = [self.signal_criterion(s, "forebyggelse") for s in rows
                         if s.indicator_id]
                out.append((kind, colour, self.t("signals.forebyggelse",
                                                 criteria=self.msgs.join(crits))))
            elif kind == "floor":
                floor = self.data.rules.regime(state.regime).resident_floor
                residents = (self.t("common.units.residents", n=state.residents)
                             if state.residents is not None else self.t("common.unknown"))
                out.append((kind, colour, self.t("signals.floor", status=self._status_of(
                    state, rows[0]), residents=residents, floor=floor)))
            elif kind == "near":
                for s in rows:
                    out.append((kind, s.colour, self.t(
                        "signals.near", status=self._status_of(state, s),
                        criterion=self.signal_criterion(s, s.get("level") or "main"))))
            elif kind == "projected":
                for s in rows:
                    year = s.projected_year if s.projected_year is not None else \
                        self.t("common.unknown")
                    if s.indicator_id:
                        text = self.t("signals.projected", status=self._status_of(state, s),
                                      year=year, criterion=self.signal_criterion(
                                          s, s.get("level") or "main"))
                    else:
                        text = self.t("signals.projected_bare",
                                      status=self._status_of(state, s), year=year)
                    out.append((kind, s.colour, text))
            elif kind == "survey":
                for s in rows:
                    out.append((kind, s.colour, self.survey_sentence(s)))
            elif kind == "local":
                for s in rows:
                    out.append((kind, s.colour, self.local_sentence(s)))
        return out

    def signal_code_words(self, code: str, regime: str | None) -> str:
        """"near:udsat:k2_domte" (mart.signal_changes) as "Tæt på listen (udsat
        boligområde, K2)"."""
        kind, *parts = code.split(":")
        words = [self.status_label(p, regime).lower() if p in self.data.rules.all_statuses()
                 else self.indicator_code(p) if p in self.data.rules.indicator_ids
                 else self.t("signals.item") if p == "evening_safety" else p
                 for p in parts]
        label = self.t(f"signals.kinds.{kind}") if self.msgs.has(f"signals.kinds.{kind}") \
            else kind
        return f"{label} ({', '.join(words)})" if words else label

    def local_sentence(self, s: Signal) -> str:
        """"Lokal model: kategori rød (17 point, grænse 16)": the known points and the
        category's cut-off (value and threshold of the local row)."""
        category = self.t(f"local.category.{s.colour}")
        if s.value is None or s.threshold is None:
            return self.t("signals.local_bare", category=category)
        return self.t("signals.local", category=category, n=int(s.value),
                      cutoff=int(s.threshold))

    def survey_sentence(self, s: Signal) -> str:
        if s.threshold is None:  # a weighted wave: the rest's weighted share is not published
            return self.t("signals.survey_noref", wave=self.wave_label(s.wave_id),
                          share=s.value)
        return self.t("signals.survey", wave=self.wave_label(s.wave_id), share=s.value,
                      rest=s.threshold)

    def reasons(self, state: AreaState | None) -> list[str]:
        if state is None:
            return []
        out = [text for _, _, text in self.signal_sentences(state)]
        if not state.signals and state.unknown_list:
            unknown = [self.indicator_code(c.indicator_id) for c in state.counted
                       if c.meets is None]
            out.append(self.t("signals.unknown", criteria=self.msgs.join(unknown))
                       if unknown else self.t("signals.unknown_bare"))
        return out

    def leaving(self, state: AreaState) -> str | None:
        """"Forventes at forlade listen omkring 2028" for a listed area whose met
        criteria the early-warning trend sees crossing back: the year enough of them
        have crossed that fewer than the regime requires remain met."""
        if not state.headline or state.regime != self.data.rules.regime_in_force(state.year):
            return None
        if self.data.rules.is_prevention(state.regime, state.headline):
            return None
        met = [c for c in state.counted if c.meets is True]
        spare = len(met) - state.required  # criteria that may cross before it leaves
        crossings = []
        for c in met:
            p = self.data.projections.get((state.area_id, state.year, c.indicator_id))
            if p is not None and p.projected_year is not None and p.projected_year > state.year:
                crossings.append((int(p.projected_year), c.indicator_id))
        crossings.sort()
        if spare < 0 or len(crossings) <= spare:
            return None
        year, _ = crossings[spare]
        names = [self.indicator_code(i) for _, i in crossings[: spare + 1]]
        return self.t("signals.leaves_detail", year=year, criteria=self.msgs.join(names))


@cache
def _words(lang: str, _data_id: int, data: SiteData) -> Words:
    return Words(lang, Messages.load(lang), data)
