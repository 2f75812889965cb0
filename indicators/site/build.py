"""Build the planners' dashboard site from the published tables.

`build_site` writes a complete, self-contained site into a new empty folder:
the overview of the current list (index.html) and of every earlier one
(liste/<year>.html), one page per municipality (kommune/<code>.html), one
per area, one per survey wave, the method page, every table as CSV and
each page's tables as one XLSX workbook beside the page, the search index
and one shared `plotly.min.js`; in Danish
at the root and mirrored in English under en/. All links are relative,
nothing is fetched from the network, and the publisher swaps the folder in
atomically with the warehouse.

The languages share nothing but the model, so on a site large enough for a
fork to pay off each language is written by its own forked process (the
model built once, inherited copy-on-write); the cores left over split each
language's area pages. The message catalogue is read once for the build.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import plotly.offline
import polars as pl

from indicators.site import vendor
from indicators.site.area_page import MIN_AREAS_PER_WORKER, write_area_pages
from indicators.site.frames import check_frames
from indicators.site.kommune_page import write_kommune_pages, write_search_index
from indicators.site.messages import Messages, pinned
from indicators.site.method_page import write_method_page
from indicators.site.model import SiteData
from indicators.site.options import SiteOptions
from indicators.site.overview_page import write_overviews
from indicators.site.plan_page import write_plan_pages
from indicators.site.render import PageWriter
from indicators.site.report_page import write_report_pages
from indicators.site.survey_page import write_survey_pages
from indicators.site.workers import run_split, worker_count

STATIC = Path(__file__).parent / "static"

__all__ = ["SiteOptions", "build_site"]


def _write_assets(out_dir: Path) -> list[Path]:
    """The site's plotly.js (the full bundle, and the basic one for pages without a map
    when it is vendored), and our stylesheet and script."""
    plotly_js = out_dir / "plotly.min.js"
    plotly_js.write_text(plotly.offline.get_plotlyjs(), encoding="utf-8")
    basic = vendor.vendored()
    if basic is not None:
        shutil.copyfile(basic, out_dir / vendor.SITE_NAME)
    static = out_dir / "static"
    static.mkdir()
    copied = []
    for name in ("site.css", "site.js"):
        copied.append(Path(shutil.copyfile(STATIC / name, static / name)))
    return [plotly_js, *copied]


def _language_processes(options: SiteOptions, areas: int) -> tuple[int, int]:
    """(processes writing a language each, area-page workers within each language)."""
    languages = len(options.languages)
    # As the area pages count processes: as asked, else a core per 100 areas or so.
    total = options.workers or worker_count(None, areas, MIN_AREAS_PER_WORKER)
    per_language = min(languages, total)
    return per_language, max(1, total // per_language)


def _write_language(data: SiteData, refresh: dict, out_dir: Path, options: SiteOptions,
                    lang: str, geojson: dict | None) -> list[Path]:
    writer = PageWriter(out_dir, refresh, options, lang, data)
    write_search_index(data, writer)
    write_overviews(data, writer, geojson)
    write_kommune_pages(data, writer)
    write_report_pages(data, writer)
    write_area_pages(data, writer)
    write_survey_pages(data, writer)
    write_plan_pages(data, writer)
    write_method_page(data, writer)
    return writer.written


def build_site(
    frames: dict[str, pl.DataFrame],
    refresh: dict,
    out_dir: Path,
    geojson: dict | None = None,
    options: SiteOptions | None = None,
) -> list[Path]:
    """Write the site into the new empty folder `out_dir`; return the pages written."""
    options = options or SiteOptions()
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise ValueError(f"{out_dir} is not empty: the site is built into a new folder")
    check_frames(frames)
    data = SiteData(frames, options)
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_assets(out_dir)
    languages, area_workers = _language_processes(options, len(data.area_order))
    each = options.model_copy(update={"workers": area_workers})
    if languages > 1:
        # What every language works out alike, worked out once here and inherited.
        data.prepare()
    with pinned():
        for lang in options.languages:  # read here, so forked writers inherit them
            Messages.load(lang)
        # In the languages' order: slice i of run_split is the i-th language when
        # there is one process per language, and every language in order otherwise.
        return run_split(list(options.languages), lambda langs: [
            path for lang in langs
            for path in _write_language(data, refresh, out_dir, each, lang, geojson)],
            languages)
