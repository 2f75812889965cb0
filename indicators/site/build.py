"""Build the planners' dashboard site from the published tables.

`build_site` writes a complete, self-contained site into a new empty folder:
the overview (index.html), one page per area, one page per survey wave, the
method page, every table as CSV and XLSX beside its page, and one shared
`plotly.min.js`. All links are relative, nothing is fetched from the
network, and the publisher swaps the folder in atomically with the
warehouse.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import plotly.offline
import polars as pl

from indicators import tables
from indicators.site.area_page import write_area_pages
from indicators.site.method_page import write_method_page
from indicators.site.model import SiteData
from indicators.site.options import SiteOptions
from indicators.site.overview_page import write_overview
from indicators.site.render import PageWriter
from indicators.site.survey_page import write_survey_pages

REQUIRED_FRAMES = ("areas", "area_year", "survey_results", "indicator_values", "area_status")
STATIC = Path(__file__).parent / "static"

__all__ = ["SiteOptions", "build_site"]


def _check_frames(frames: dict[str, pl.DataFrame]) -> None:
    missing = [name for name in REQUIRED_FRAMES if name not in frames]
    if missing:
        raise ValueError(f"build_site needs the published tables {', '.join(missing)}")
    for name in REQUIRED_FRAMES:
        expected = set(tables.by_name(name).column_names())
        absent = expected - set(frames[name].columns)
        if absent:
            raise ValueError(f"table {name} lacks column(s) {', '.join(sorted(absent))}")


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
    _check_frames(frames)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = SiteData(frames, options)
    writer = PageWriter(out_dir, refresh, options)
    _write_assets(out_dir)
    write_overview(data, writer, geojson)
    write_area_pages(data, writer)
    write_survey_pages(data, writer)
    write_method_page(data, writer)
    return list(writer.written)
