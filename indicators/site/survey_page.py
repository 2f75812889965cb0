"""Survey pages: one per wave (tryghed/<wave>.html) and their index (tryghed.html).

Areas sorted by their share of residents who feel unsafe in the evening,
each with its 95 % interval and number of answers, against the rest of the
wave (what the test compares with) and the wave's overall share. An area is
flagged only by the contract's `vs_rest` (the same test everywhere): a high
share resting on few answers has a wide interval and is not flagged, and the
page says so. The wave's totals (invited, respondents, answers to the
question) are summed from the delivered per-area counts, so they reconcile
with the response rate shown.

Evening safety comes first (it drives the survey signal); every other item of
the catalogue the wave answered follows with its own question, chart and
table. Each of their shares counts the answers that point to a problem, so
"over the rest" reads as worse for every item, and the verdict says so.
"""

from __future__ import annotations

from indicators.site.area_page import rest_of_wave
from indicators.site.datatable import Column, DataTable, Link
from indicators.site.figures import survey_wave_figure
from indicators.site.formatting import sort_key, sorted_danish
from indicators.site.messages import Messages
from indicators.site.model import ALL_AREAS, EVENING_SAFETY, SiteData
from indicators.site.render import Chart, PageWriter
from indicators.survey.items import SurveyItem

_VS = {"over": "vs_over", "under": "vs_under", "ingen forskel": "vs_none"}
_VS_ITEM = {"over": "item_vs_over", "under": "item_vs_under", "ingen forskel": "item_vs_none"}


def _name(data: SiteData, area_id: str) -> str:
    area = data.areas.get(area_id)
    return area.name if area else area_id


def _label(msgs: Messages, wave: dict) -> str:
    return wave["title"] or msgs.t("survey.default_label", year=wave["year"])


def _wave_totals(data: SiteData, wave: dict, areas: list[dict]) -> dict | None:
    """Invited and respondents summed over the wave's areas, when every area has them."""
    infos = [data.wave_info(wave["wave_id"], r["area_id"]) for r in areas]
    if not infos or any(i.get("invited") is None or i.get("n_respondents") is None
                        for i in infos):
        return None
    invited = sum(int(i["invited"]) for i in infos)
    respondents = sum(int(i["n_respondents"]) for i in infos)
    return {"invited": invited, "respondents": respondents,
            "rate": 100 * respondents / invited if invited else None}


def _wave_content(data: SiteData, msgs: Messages, wave: dict) -> dict:
    t, f = msgs.t, msgs.fmt
    rows = [r for r in data.survey_rows(EVENING_SAFETY) if str(r["wave_id"]) == wave["wave_id"]]
    overall = next((r for r in rows if r.get("area_id") == ALL_AREAS), None)
    areas = [r for r in rows if r.get("area_id") != ALL_AREAS]
    shown = [r for r in areas if not r.get("suppressed") and r.get("share") is not None]
    hidden = [r for r in areas if r.get("suppressed") or r.get("share") is None]
    shown.sort(key=lambda r: (-r["share"], sort_key(_name(data, r["area_id"]))))
    hidden = sorted_danish(hidden, key=lambda r: _name(data, r["area_id"]))
    label = _label(msgs, wave)
    flagged = [r for r in shown if r.get("vs_rest") == "over"]
    below = [r for r in shown if r.get("vs_rest") == "under"]
    rests = {r["area_id"]: rest_of_wave(r, overall or {}) for r in shown}

    def answers(r):
        return t("common.units.answers", n=r.get("n_answers"))

    def name_link(r):
        area = data.areas.get(r["area_id"])
        return Link(area.name, "../" + area.href) if area else r["area_id"]

    table_rows = []
    for rank, r in enumerate(shown + hidden, start=1):
        info = data.wave_info(wave["wave_id"], r["area_id"])
        rest = rests.get(r["area_id"])
        table_rows.append({
            "rank": rank if r in shown else None, "area": name_link(r),
            "n": r.get("n_answers"), "positive": r.get("n_positive"), "share": r.get("share"),
            "rest": rest["share"] if rest else None,
            "low": r.get("ci_low"), "high": r.get("ci_high"),
            "vs": t("survey." + _VS[r["vs_rest"]]) if r in shown and r.get("vs_rest") in _VS
            else "",
            "invited": info.get("invited"), "respondents": info.get("n_respondents"),
            "rate": info.get("response_rate"),
            "mark": t("survey.hidden") if r.get("suppressed") else "",
        })
    totals = _wave_totals(data, wave, areas)
    if overall is not None:
        table_rows.append({"rank": None, "area": t("survey.whole_line"),
                           "n": overall.get("n_answers"), "positive": overall.get("n_positive"),
                           "share": overall.get("share"), "low": overall.get("ci_low"),
                           "high": overall.get("ci_high"), "vs": "", "mark": "",
                           **({"invited": totals["invited"],
                               "respondents": totals["respondents"], "rate": totals["rate"]}
                              if totals else {})})
    table = DataTable(
        slug="omraader", caption=t("survey.caption", wave=label), lang=msgs.lang,
        columns=[Column("rank", t("survey.rank"), "int"), Column("area", t("survey.area"), "link"),
                 Column("share", t("survey.share"), "pct1"),
                 Column("rest", t("survey.rest"), "pct1"),
                 Column("vs", t("survey.vs")),
                 Column("n", t("survey.answers"), "int", unit="persons"),
                 Column("low", t("survey.low"), "pct1", secondary=True),
                 Column("high", t("survey.high"), "pct1", secondary=True),
                 Column("positive", t("survey.positive"), "int", unit="persons",
                        secondary=True),
                 Column("invited", t("survey.invited"), "int", unit="persons", secondary=True),
                 Column("respondents", t("survey.respondents"), "int", unit="persons",
                        secondary=True),
                 Column("rate", t("survey.rate"), "pct1", secondary=True),
                 Column("mark", t("survey.mark"), secondary=True)],
        rows=table_rows, note=t("survey.note"),
    )
    overall_share = overall.get("share") if overall else None
    title = t("survey.chart_title", wave=label)
    summary = []
    if overall_share is not None:
        summary.append(t("survey.summary_whole", share=overall_share,
                         n=t("common.units.answers", n=overall.get("n_answers"))))
    if flagged:
        summary.append(t("survey.summary_flagged", items="; ".join(
            f"{_name(data, r['area_id'])} {f.percent(r['share'])}" for r in flagged)))
    else:
        summary.append(t("survey.summary_none"))
    if below:
        summary.append(t("survey.summary_below", items=f.join(
            [_name(data, r["area_id"]) for r in below])))
    # Higher than the wave but not flagged by the test: say so, so a high share
    # resting on few answers is read with its uncertainty, not as a finding.
    wide = [r for r in shown if r.get("vs_rest") == "ingen forskel" and overall_share is not None
            and r["share"] > overall_share]
    if wide:
        summary.append(t("survey.summary_wide", items=f.join(
            [f"{_name(data, r['area_id'])} ({answers(r)})" for r in wide])))
    if hidden:
        summary.append(t("survey.summary_hidden", n=len(hidden)))
    figure = survey_wave_figure(
        title=title, names=[_name(data, r["area_id"]) for r in shown],
        shares=[r["share"] for r in shown], lows=[r["ci_low"] for r in shown],
        highs=[r["ci_high"] for r in shown], comparisons=[r.get("vs_rest") for r in shown],
        overall=overall_share, lang=msgs.lang, overall_name=t("survey.whole_line"),
        legends={"over": t("survey.legend_over"), "ingen forskel": t("survey.legend_none"),
                 "under": t("survey.legend_under")},
    )
    chart = Chart(id="wave", title=title, summary=" ".join(summary), figure=figure, table=table)

    def ci(r):
        return {"share": f.percent(r.get("share")), "low": f.percent(r.get("ci_low")),
                "high": f.percent(r.get("ci_high")), "n": answers(r)}

    flagged_items = []
    for r in flagged:
        rest = rests.get(r["area_id"])
        text = (t("survey.flagged", rest=rest["share"], **ci(r)) if rest
                else t("survey.flagged_no_rest", **ci(r)))
        flagged_items.append({"area_id": r["area_id"], "name": _name(data, r["area_id"]),
                              "href": ("../" + data.areas[r["area_id"]].href
                                       if r["area_id"] in data.areas else None),
                              "text": text})
    whole = t("survey.whole", **ci(overall)) if overall and overall_share is not None else None
    totals_text = (t("survey.totals", invited=totals["invited"],
                     respondents=totals["respondents"], rate=totals["rate"],
                     answers=overall.get("n_answers"))
                   if totals and overall is not None else None)
    wide_items = [{"area_id": r["area_id"],
                   "text": t("survey.wide_item", name=_name(data, r["area_id"]), **ci(r))}
                  for r in wide]
    return {"label": label, "chart": chart, "overall": overall, "flagged": flagged_items,
            "flagged_rows": flagged, "whole": whole, "totals": totals_text,
            "wide": wide_items}


def item_texts(item: SurveyItem, lang: str) -> dict[str, str]:
    """The item's own words in the page's language (the catalogue holds both)."""
    if lang == "en":
        return {"share_label": item.share_label_en,
                "question": item.question_text_en or item.question_text,
                "positive": item.positive_label_en or item.positive_label}
    return {"share_label": item.share_label_da, "question": item.question_text,
            "positive": item.positive_label}


def _hidden(r: dict) -> bool:
    return bool(r.get("suppressed")) or r.get("share") is None


def _item_content(data: SiteData, msgs: Messages, wave: dict, item: SurveyItem) -> dict:
    """One battery item of a wave: every area's share with its interval beside the rest."""
    t, f = msgs.t, msgs.fmt
    words = item_texts(item, msgs.lang)
    rows = [r for r in data.survey_rows(item.item_id) if str(r["wave_id"]) == wave["wave_id"]]
    overall = next((r for r in rows if r.get("area_id") == ALL_AREAS), None)
    areas = [r for r in rows if r.get("area_id") != ALL_AREAS]
    shown = sorted((r for r in areas if not _hidden(r)),
                   key=lambda r: (-r["share"], sort_key(_name(data, r["area_id"]))))
    hidden = sorted_danish([r for r in areas if _hidden(r)],
                           key=lambda r: _name(data, r["area_id"]))
    rests = {r["area_id"]: rest_of_wave(r, overall or {}) for r in shown}
    suppressed_word = t("survey.suppressed_cell")
    # A suppressed wave row hides the rest too (it would reveal the suppressed areas).
    rest_hidden = overall is not None and _hidden(overall)

    def name_link(r):
        area = data.areas.get(r["area_id"])
        return Link(area.name, "../" + area.href) if area else r["area_id"]

    table_rows = []
    for rank, r in enumerate(shown, start=1):
        rest = rests.get(r["area_id"])
        table_rows.append({
            "rank": rank, "area": name_link(r), "item": words["share_label"],
            "share": r["share"],
            "rest": rest["share"] if rest else (suppressed_word if rest_hidden else None),
            "vs": t("survey." + _VS_ITEM[r["vs_rest"]]) if r.get("vs_rest") in _VS_ITEM else "",
            "n": r.get("n_answers"), "positive": r.get("n_positive"),
            "low": r.get("ci_low"), "high": r.get("ci_high"), "mark": ""})
    # A suppressed cell says so in every number column: never a figure to read or derive.
    for r in hidden:
        table_rows.append({
            "rank": "–", "area": name_link(r), "item": words["share_label"],
            "share": suppressed_word, "rest": suppressed_word, "vs": "", "n": r.get("n_answers"),
            "positive": suppressed_word, "low": suppressed_word, "high": suppressed_word,
            "mark": t("survey.hidden")})
    overall_share = None if overall is None or _hidden(overall) else overall["share"]
    if overall is not None:
        blank = overall_share is None
        table_rows.append({
            "rank": "–", "area": t("survey.whole_line"), "item": words["share_label"],
            "share": suppressed_word if blank else overall_share, "rest": None, "vs": "",
            "n": overall.get("n_answers"),
            "positive": suppressed_word if blank else overall.get("n_positive"),
            "low": suppressed_word if blank else overall.get("ci_low"),
            "high": suppressed_word if blank else overall.get("ci_high"),
            "mark": t("survey.hidden") if blank else ""})
    slug_id = item.item_id.replace("_", "-")
    table = DataTable(
        slug=f"omraader-{slug_id}",
        caption=t("survey.item_caption", wave=_label(msgs, wave), item=words["share_label"]),
        lang=msgs.lang,
        columns=[Column("rank", t("survey.rank"), "int"), Column("area", t("survey.area"), "link"),
                 Column("share", t("survey.item_share"), "pct1"),
                 Column("rest", t("survey.rest"), "pct1"),
                 Column("vs", t("survey.vs")),
                 Column("n", t("survey.answers"), "int", unit="persons"),
                 Column("low", t("survey.low"), "pct1", secondary=True),
                 Column("high", t("survey.high"), "pct1", secondary=True),
                 Column("positive", t("survey.item_positive"), "int", unit="persons",
                        secondary=True),
                 Column("item", t("survey.item"), secondary=True),
                 Column("mark", t("survey.mark"), secondary=True)],
        rows=table_rows, note=t("survey.item_note", positive=words["positive"]),
    )
    flagged = [r for r in shown if r.get("vs_rest") == "over"]
    below = [r for r in shown if r.get("vs_rest") == "under"]
    summary = []
    if overall_share is not None:
        summary.append(t("survey.item_summary_whole", share=overall_share,
                         n=t("common.units.answers", n=overall.get("n_answers"))))
    if flagged:
        summary.append(t("survey.item_summary_flagged", items="; ".join(
            f"{_name(data, r['area_id'])} {f.percent(r['share'])}" for r in flagged)))
    else:
        summary.append(t("survey.item_summary_none"))
    if below:
        summary.append(t("survey.item_summary_below", items=f.join(
            [_name(data, r["area_id"]) for r in below])))
    if hidden:
        summary.append(t("survey.summary_hidden", n=len(hidden)))
    title = t("survey.item_chart_title", item=words["share_label"], wave=_label(msgs, wave))
    figure = survey_wave_figure(
        title=title, names=[_name(data, r["area_id"]) for r in shown],
        shares=[r["share"] for r in shown], lows=[r["ci_low"] for r in shown],
        highs=[r["ci_high"] for r in shown], comparisons=[r.get("vs_rest") for r in shown],
        overall=overall_share, lang=msgs.lang, overall_name=t("survey.whole_line"),
        legends={"over": t("survey.item_legend_over"), "ingen forskel": t("survey.legend_none"),
                 "under": t("survey.item_legend_under")},
    )
    chart = Chart(id=f"item-{slug_id}", title=title, summary=" ".join(summary),
                  figure=figure, table=table)
    return {"item_id": item.item_id, "anchor": f"spm-{slug_id}", **words,
            "lead": t("survey.item_question", question=words["question"],
                      positive=words["positive"]),
            "chart": chart, "has_chart": bool(shown)}


def wave_items(data: SiteData, msgs: Messages, wave: dict) -> list[dict]:
    """The wave's items after evening safety, each with its chart and table."""
    return [_item_content(data, msgs, wave, item)
            for item in data.survey_items(wave["wave_id"]) if item.item_id != EVENING_SAFETY]


def write_survey_pages(data: SiteData, writer: PageWriter) -> None:
    msgs: Messages = getattr(writer, "msgs", None) or Messages.load("da")
    t = msgs.t
    waves = data.waves()
    index_rows = []
    for wave in waves:
        content = _wave_content(data, msgs, wave)
        items = wave_items(data, msgs, wave)
        path = f"tryghed/{wave['slug']}.html"
        item_labels = [item_texts(i, msgs.lang)["share_label"]
                       for i in data.survey_items(wave["wave_id"])]
        writer.page(path, "survey.html.j2",
                    tables=[content["chart"].table] + [i["chart"].table for i in items],
                    items=items,
                    page_title=content["label"], nav="tryghed", uses_plotly=True,
                    wave=wave, waves=[dict(w, label=_label(msgs, w)) for w in waves],
                    **content)
        overall = content["overall"] or {}
        index_rows.append({
            "wave": Link(content["label"], path), "year": wave["year"],
            "n": overall.get("n_answers"), "share": overall.get("share"),
            "flagged": msgs.join([_name(data, r["area_id"]) for r in content["flagged_rows"]])
            or t("survey.index_none"),
            "items": msgs.join(item_labels),
        })
    index = DataTable(
        slug="undersoegelser", caption=t("survey.index_caption"), lang=msgs.lang,
        columns=[Column("wave", t("survey.index_wave"), "link"),
                 Column("year", t("survey.index_year"), "year"),
                 Column("n", t("survey.index_answers"), "int", unit="persons"),
                 Column("share", t("survey.index_share"), "pct1"),
                 Column("flagged", t("survey.index_flagged")),
                 Column("items", t("survey.index_items"), secondary=True)],
        rows=index_rows,
    )
    asked = [item_texts(i, msgs.lang)["share_label"] for i in data.survey_items()]
    writer.page("tryghed.html", "survey_index.html.j2", tables=[index],
                page_title=t("survey.index_title"), nav="tryghed", uses_plotly=False,
                index=index, waves=waves, asked=asked)
