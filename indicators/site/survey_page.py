"""Survey pages: one per wave (tryghed/<wave>.html) and their index (tryghed.html).

Areas sorted by their share of residents who feel unsafe in the evening,
each with its 95 % interval and number of answers, against the wave's
overall share. An area is flagged only by the contract's `vs_rest` (the
same test everywhere): a high share resting on few answers has a wide
interval and is not flagged, and the page says so.
"""

from __future__ import annotations

from indicators.site import danish
from indicators.site.datatable import Column, DataTable, Link
from indicators.site.figures import survey_wave_figure
from indicators.site.model import ALL_AREAS, EVENING_SAFETY, SiteData
from indicators.site.render import Chart, PageWriter

VS_WORDS = {"over": "Flere utrygge", "under": "Færre utrygge", "ingen forskel": "Ingen forskel"}


def _wave_content(data: SiteData, wave: dict) -> dict:
    rows = [r for r in data.survey_rows(EVENING_SAFETY) if str(r["wave_id"]) == wave["wave_id"]]
    overall = next((r for r in rows if r.get("area_id") == ALL_AREAS), None)
    areas = [r for r in rows if r.get("area_id") != ALL_AREAS]
    shown = [r for r in areas if not r.get("suppressed") and r.get("share") is not None]
    hidden = [r for r in areas if r.get("suppressed") or r.get("share") is None]
    shown.sort(key=lambda r: (-r["share"], danish.sort_key(_name(data, r["area_id"]))))
    hidden = danish.sorted_danish(hidden, key=lambda r: _name(data, r["area_id"]))
    label = wave["title"] or f"Tryghedsundersøgelsen {wave['year']}"
    flagged = [r for r in shown if r.get("vs_rest") == "over"]
    below = [r for r in shown if r.get("vs_rest") == "under"]

    def name_link(r):
        area = data.areas.get(r["area_id"])
        return Link(area.name, "../" + area.href) if area else r["area_id"]

    table_rows = []
    for rank, r in enumerate(shown + hidden, start=1):
        info = data.wave_info(wave["wave_id"], r["area_id"])
        table_rows.append({
            "rank": rank if r in shown else None, "area": name_link(r),
            "n": r.get("n_answers"), "positive": r.get("n_positive"), "share": r.get("share"),
            "low": r.get("ci_low"), "high": r.get("ci_high"),
            "vs": VS_WORDS.get(r.get("vs_rest") or "", "") if r in shown else "",
            "invited": info.get("invited"), "rate": info.get("response_rate"),
            "mark": "Skjult: for få svar (diskretioneret)" if r.get("suppressed") else "",
        })
    if overall is not None:
        table_rows.append({"rank": None, "area": "Hele undersøgelsen",
                           "n": overall.get("n_answers"), "positive": overall.get("n_positive"),
                           "share": overall.get("share"), "low": overall.get("ci_low"),
                           "high": overall.get("ci_high"), "vs": "", "mark": ""})
    table = DataTable(
        slug="omraader", caption=f"{label}: andel utrygge om aftenen pr. område",
        columns=[Column("rank", "Nr.", "int"), Column("area", "Område", "link"),
                 Column("n", "Svar", "int"), Column("positive", "Utrygge (svar)", "int"),
                 Column("share", "Andel utrygge", "pct1"),
                 Column("low", "95 %-interval, nedre", "pct1"),
                 Column("high", "95 %-interval, øvre", "pct1"),
                 Column("vs", "Forskel fra resten"), Column("invited", "Inviterede", "int"),
                 Column("rate", "Svarprocent", "pct1"), Column("mark", "Mærke")],
        rows=table_rows,
        note="Utrygge = 'utryg' eller 'meget utryg' blandt alle, der tog stilling ('ved ikke' "
             "tæller ikke med). Et område sammenlignes med alle andre svar i samme undersøgelse "
             "(tosidet test, 5 %-niveau).",
    )
    overall_share = overall.get("share") if overall else None
    title = f"Andel utrygge om aftenen pr. område, {label}"
    summary = []
    if overall_share is not None:
        summary.append(f"I hele undersøgelsen var {danish.percent(overall_share)} utrygge om "
                       f"aftenen ({danish.integer(overall.get('n_answers'))} svar).")
    if flagged:
        summary.append("Signifikant flere utrygge end resten: " + "; ".join(
            f"{_name(data, r['area_id'])} {danish.percent(r['share'])}" for r in flagged) + ".")
    else:
        summary.append("Intet område har signifikant flere utrygge end resten.")
    if below:
        summary.append("Signifikant færre utrygge: " + ", ".join(
            _name(data, r["area_id"]) for r in below) + ".")
    # Higher than the wave but not flagged by the test: say so, so a high share
    # resting on few answers is read with its uncertainty, not as a finding.
    wide = [r for r in shown if r.get("vs_rest") == "ingen forskel" and overall_share is not None
            and r["share"] > overall_share]
    if wide:
        summary.append("Højere andel end hele undersøgelsen, men ikke sikkert forskellig fra "
                       "resten: " + ", ".join(
                           f"{_name(data, r['area_id'])} ({danish.integer(r.get('n_answers'))} "
                           "svar)" for r in wide) + ".")
    if hidden:
        summary.append(f"{len(hidden)} område{'' if len(hidden) == 1 else 'r'} er skjult, "
                       "fordi tallene hviler på for få svar.")
    figure = survey_wave_figure(
        title=title, names=[_name(data, r["area_id"]) for r in shown],
        shares=[r["share"] for r in shown], lows=[r["ci_low"] for r in shown],
        highs=[r["ci_high"] for r in shown], comparisons=[r.get("vs_rest") for r in shown],
        overall=overall_share,
    )
    chart = Chart(id="wave", title=title, summary=" ".join(summary), figure=figure, table=table)
    return {"label": label, "chart": chart, "overall": overall, "flagged": flagged,
            "wide": wide, "hidden": hidden, "name": lambda r: _name(data, r["area_id"]),
            "href": lambda r: ("../" + data.areas[r["area_id"]].href
                               if r["area_id"] in data.areas else None)}


def _name(data: SiteData, area_id: str) -> str:
    area = data.areas.get(area_id)
    return area.name if area else area_id


def write_survey_pages(data: SiteData, writer: PageWriter) -> None:
    waves = data.waves()
    index_rows = []
    for wave in waves:
        content = _wave_content(data, wave)
        path = f"tryghed/{wave['slug']}.html"
        writer.page(path, "survey.html.j2", tables=[content["chart"].table],
                    page_title=content["label"], nav="tryghed", uses_plotly=True,
                    wave=wave, waves=waves, **content)
        overall = content["overall"] or {}
        index_rows.append({
            "wave": Link(content["label"], path), "year": wave["year"],
            "n": overall.get("n_answers"), "share": overall.get("share"),
            "flagged": ", ".join(content["name"](r) for r in content["flagged"]) or "Ingen",
        })
    index = DataTable(
        slug="undersoegelser", caption="Tryghedsundersøgelserne",
        columns=[Column("wave", "Undersøgelse", "link"), Column("year", "År", "year"),
                 Column("n", "Svar i alt", "int"), Column("share", "Andel utrygge", "pct1"),
                 Column("flagged", "Signifikant flere utrygge end resten")],
        rows=index_rows,
    )
    writer.page("tryghed.html", "survey_index.html.j2", tables=[index],
                page_title="Tryghedsundersøgelser", nav="tryghed", uses_plotly=False,
                index=index, waves=waves)
