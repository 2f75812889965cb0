"""What an area page says first (area.html.j2's status box), in the page's language.

In this order: the colour and why (every signal), the forebyggelse criteria
at their thresholds, the latest survey finding, the projected change, then
the details (criteria met of those required, the rules, kombineret
udlejning, the decided changes since the previous list).
"""

from __future__ import annotations

from indicators.site.model import EVENING_SAFETY, SiteData
from indicators.site.overview_page import change_words
from indicators.site.signals import Words


def status_box(data: SiteData, w: Words, area_id: str) -> dict | None:
    state = data.state(area_id)
    if state is None:
        return None
    box = {"state": state, "colour_label": w.colour_label(state.colour),
           "headline": w.headline(state), "reasons": w.reasons(state),
           "codes": " ".join(state.signal_codes), "prevention": [], "survey": None,
           "projection": w.leaving(state), "regime_label": w.regime_label(state.regime),
           "changes": []}
    if data.rules.has_prevention_level(state.regime):
        for c in state.criteria:
            if c.forebyggelse_threshold is None:
                continue
            text = w.criterion(c.indicator_id, c.value, c.forebyggelse_threshold,
                               c.margin_to(c.forebyggelse_threshold), state.regime,
                               "forebyggelse")
            box["prevention"].append({"met": c.meets_forebyggelse, "text": text})
    box["survey"] = latest_survey(data, w, area_id)
    if box["projection"] is None:
        projected = [s for s in state.signals if s.signal == "projected"]
        if projected:
            box["projection"] = next(text for kind, _, text in w.signal_sentences(state)
                                     if kind == "projected")
    change = data.change(area_id)
    if change is not None:
        box["changes"] = change_words(w, change.changes)
    box["previous_year"] = data.previous_year
    return box


def latest_survey(data: SiteData, w: Words, area_id: str) -> str | None:
    """The newest wave's evening-safety finding for the area, against the whole wave."""
    rows = [r for r in data.survey_rows(EVENING_SAFETY, area_id)]
    if not rows:
        return None
    row = max(rows, key=lambda r: (r["year"], str(r["wave_id"])))
    wave = str(row["wave_id"])
    if row["suppressed"]:
        return w.t("areabox.survey_suppressed", wave=w.wave_label(wave),
                   n=row["n_answers"])
    whole = data.survey_row(wave, "all")
    share_all = whole["share"] if whole else None
    # "mod ukendt i hele undersøgelsen" says nothing: without the whole wave's share
    # the sentence leaves the comparison out.
    against = "" if share_all is None else w.t("areabox.survey_against", all=share_all)
    return w.t(f"areabox.survey_{(row['vs_rest'] or 'unknown').replace(' ', '_')}",
               wave=w.wave_label(wave), share=row["share"], against=against,
               n=row["n_answers"])
