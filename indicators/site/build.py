"""Build the planners' dashboard site from the published tables.

`build_site` writes a complete, self-contained site into a new empty folder:
the overview of the current list (index.html) and of every earlier one
(liste/<year>.html), one page per municipality (kommune/<code>.html), one
per area, one per survey wave, the method page, every table as CSV and XLSX
beside its page, the search index and one shared `plotly.min.js`; in Danish
at the root and mirrored in English under en/. All links are relative,
nothing is fetched from the network, and the publisher swaps the folder in
atomically with the warehouse.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import plotly.offline
import polars as pl

from indicators.site.area_page import write_area_pages
from indicators.site.frames import check_frames
from indicators.site.kommune_page import write_kommune_pages, write_search_index
from indicators.site.method_page import write_method_page
from indicators.site.model import SiteData
from indicators.site.options import SiteOptions
from indicators.site.overview_page import write_overviews
from indicators.site.render import PageWriter
from indicators.site.report_page import write_report_pages
from indicators.site.survey_page import write_survey_pages

STATIC = Path(__file__).parent / "static"

__all__ = ["SiteOptions", "build_site"]


def _write_assets(out_dir: Path) -> list[Path]:
    """The one shared plotly.js of the site, and our stylesheet and script."""
    plotly_js = out_dir / "plotly.min.js"
    plotly_js.write_text(plotly.offline.get_plotlyjs(), encoding="utf-8")
    static = out_dir / "static"
    static.mkdir()
    copied = []
    for name in ("site.css", "site.js"):
        copied.append(Path(shutil.copyfile(STATIC / name, static / name)))
    return [plotly_js, *copied]


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
    written: list[Path] = []
    for lang in options.languages:
        writer = PageWriter(out_dir, refresh, options, lang, data)
        write_search_index(data, writer)
        write_overviews(data, writer, geojson)
        write_kommune_pages(data, writer)
        write_report_pages(data, writer)
        write_area_pages(data, writer)
        write_survey_pages(data, writer)
        write_method_page(data, writer)
        written += writer.written
    return written
