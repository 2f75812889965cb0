"""The method page (metode.html): criteria, conventions, early warning, suppression, lag."""

from __future__ import annotations

from indicators.site.datatable import Column, DataTable
from indicators.site.model import SiteData
from indicators.site.render import PageWriter
from indicators.site.vocabulary import CATEGORIES, CATEGORY_ORDER, INDICATORS, REGIME_LABELS

# The thresholds as the law prints them (domain.md §2), per regime.
_CRITERIA_ROWS = [
    ("2010", "K1", "over 40 % (gennemsnit af 4 år)"),
    ("2010", "K2", "over 2,70 % af de 18+-årige (gennemsnit af 4 år)"),
    ("2010", "K5", "over 50 %"),
    ("2013", "K1", "over 40 % (gennemsnit af 2 år)"),
    ("2013", "K2", "over 2,70 % af de 18+-årige (gennemsnit af 2 år)"),
    ("2013", "K3", "over 50 % (uoplyst uddannelse tæller med)"),
    ("2013", "K4", "under 55 % af regionens gennemsnit"),
    ("2013", "K5", "over 50 %"),
    ("2018", "K1", "over 40 % (gennemsnit af 2 år)"),
    ("2018", "K2", "mindst 3 gange landsgennemsnittet (gennemsnit af 2 år)"),
    ("2018", "K3", "over 60 % (uoplyst tæller ikke med)"),
    ("2018", "K4", "under 55 % af regionens gennemsnit"),
    ("2018", "K5", "over 50 % (ghettoområde)"),
    ("2021", "K1", "over 40 % · forebyggelse: over 30 %"),
    ("2021", "K2", "mindst 3 × landsgennemsnittet · forebyggelse: mindst 2 ×"),
    ("2021", "K3", "over 60 % · forebyggelse: over 60 %"),
    ("2021", "K4", "under 55 % · forebyggelse: under 65 %"),
    ("2021", "K5", "over 50 % (parallelsamfund) · forebyggelse kræver over 30 %"),
]


def write_method_page(data: SiteData, writer: PageWriter) -> None:
    criteria = DataTable(
        slug="kriterier", caption="Kriterier og grænser pr. regelsæt",
        columns=[Column("regime", "Regler"), Column("code", "Kriterium"),
                 Column("definition", "Definition"), Column("threshold", "Grænse")],
        rows=[{"regime": REGIME_LABELS[r], "code": code,
               "definition": next(i.long for i in INDICATORS.values() if i.code == code),
               "threshold": t} for r, code, t in _CRITERIA_ROWS],
    )
    writer.page(
        "metode.html", "method.html.j2", tables=[criteria], page_title="Metode",
        nav="metode", uses_plotly=False, criteria=criteria,
        categories=[CATEGORIES[k] for k in CATEGORY_ORDER], data=data,
        provenance=writer.provenance(), regime_label=REGIME_LABELS.get(
            data.current_regime, "ukendte regler"),
        has_early_warning=data.has_early_warning,
        stale_hours=data.options.stale_after_hours,
        near_pp=data.options.near_threshold_pp,
        near_relative=data.options.near_threshold_relative,
    )
