"""Page rendering: the Jinja environment, chart embedding and the common page frame.

Charts are embedded as compact JSON in `<script type="application/json">`
and drawn by `static/site.js` with the one shared `plotly.min.js`, so a
page carries only its own data. Links are relative (`root` is "" or
"../"), so the site works from any folder and from file://.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)
from jinja2.bccache import Bucket
from markupsafe import Markup

from indicators.site import danish, vendor
from indicators.site.datatable import DataTable, Workbook, badge, cell_html, write_downloads
from indicators.site.figures import Figure
from indicators.site.geo import TOPOJSON_NAMES, TOPOJSON_STUB
from indicators.site.messages import Messages
from indicators.site.options import SiteOptions
from indicators.site.vocabulary import CATEGORIES, CATEGORY_ORDER

TEMPLATES = Path(__file__).parent / "templates"


def compact_json(value: Any) -> Markup:
    """JSON safe inside a <script> element (no "</script>" can end it early)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Markup(text.replace("</", "<\\/").replace("<!--", "<\\!--"))


def _finite(value: Any) -> Any:
    """NaN and infinities have no JSON form; plotly.js draws null as a gap."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def figure_json(figure: Figure) -> Markup:
    try:
        return compact_json(figure)
    except ValueError:  # NaN or an infinity somewhere: walk the figure (rarely needed)
        return compact_json(_finite(figure))


# The same few hundred bytes on every page with charts: serialised once.
_TOPOJSON_STUB = compact_json({name: TOPOJSON_STUB for name in TOPOJSON_NAMES})


@dataclass
class Chart:
    id: str
    title: str
    summary: str
    figure: Figure
    table: DataTable

    @property
    def json(self) -> Markup:
        # The page's own heading titles the chart (and is what screen readers and
        # print show), so the figure's built-in title is dropped to avoid saying
        # it twice; the top margin shrinks to what the rule-change labels need.
        # Copied where changed: the figure itself is left as built.
        figure = dict(self.figure)
        layout = figure["layout"] = dict(figure.get("layout", {}))
        layout.pop("title", None)
        margin = layout["margin"] = dict(layout.get("margin", {}))
        margin["t"] = 34
        return figure_json(figure)


@dataclass
class Provenance:
    """What the "where this comes from" footnote lists."""

    files: list[dict]
    refresh_id: str
    catalogue_version: str
    finished_at: datetime | None
    data_dir: str | None


class _CompiledTemplates(BytecodeCache):
    """Templates compiled once per process, for every environment: each language has
    its own (its words and formats are the environment's globals), and compiling the
    site's templates cost ~0.2 s an environment. A template whose source changed is
    compiled again (the bucket compares checksums)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


def environment(msgs: Messages | None = None) -> Environment:
    env = Environment(
        bytecode_cache=_COMPILED,
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["j2", "html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # A build renders thousands of pages from templates that do not change
        # while it runs: no look at every template file's time for every page.
        auto_reload=False,
    )
    env.filters.update(
        number=danish.number, percent=danish.percent, integer=danish.integer,
        points=danish.points, date_time=danish.date_time, long_date=danish.long_date,
        yes_no=danish.yes_no_unknown, cell=cell_html,
    )
    env.globals.update(badge=badge, CATEGORIES=CATEGORIES, CATEGORY_ORDER=CATEGORY_ORDER,
                       compact_json=compact_json)
    if msgs is not None:
        # The page's language: t() for words, its formats for numbers and dates.
        env.globals["t"] = msgs.t
        env.globals["msgs"] = msgs
        env.filters.update(number=msgs.number, percent=msgs.percent, integer=msgs.integer,
                           points=msgs.points, date_time=msgs.date_time,
                           long_date=msgs.long_date, yes_no=msgs.yes_no)
    return env


class PageWriter:
    """Writes one language's pages and their downloads into the new site folder.

    The first language of the options is the site root; every other one mirrors it
    in a folder named by its code (`site/en/`), so a page's twin in the other
    language is the same relative path under the other root."""

    def __init__(self, out_dir: Path, refresh: dict, options: SiteOptions,
                 lang: str | None = None, data=None):
        self.site_dir = Path(out_dir)
        self.lang = lang or options.languages[0]
        self.languages = list(options.languages)
        self.is_root = self.lang == self.languages[0]
        self.out_dir = self.site_dir if self.is_root else self.site_dir / self.lang
        self.options = options
        self.msgs = Messages.load(self.lang)
        self.env = environment(self.msgs)
        self.data = data
        self.words = None
        if data is not None:
            from indicators.site.signals import Words
            from indicators.site.status_box import status_box
            self.words = Words.load(self.lang, data)
            self.env.globals["w"] = self.words
            self.env.globals["status_box"] = lambda area_id: status_box(data, self.words,
                                                                         area_id)
        # A page without a map loads plotly.js's basic bundle when the site has it
        # (vendor.py): a quarter of the script to parse before the page draws.
        self.basic_plotly = (self.site_dir / vendor.SITE_NAME).is_file()
        self.refresh = refresh
        finished = refresh.get("finished_at") or refresh.get("started_at")
        self.refreshed_at: datetime | None = finished if isinstance(finished, datetime) else None
        self.written: list[Path] = []

    def language_links(self, relative_path: str, root: str) -> list[dict]:
        """The same page in every other language, relative to this page."""
        site_root = root if self.is_root else root + "../"
        links = []
        for lang in self.languages:
            if lang == self.lang:
                continue
            prefix = "" if lang == self.languages[0] else f"{lang}/"
            other = Messages.load(lang)
            links.append({"lang": lang, "href": site_root + prefix + relative_path,
                          "text": other.t("common.language.name"),
                          # The current page's catalogue words the link to the other
                          # language in that language ("Read this page in English").
                          "label": self.msgs.t("common.language.switch_label")})
        return links

    def common(self, root: str, relative_path: str = "index.html") -> dict:
        refreshed = self.refreshed_at
        asset_root = root if self.is_root else root + "../"
        return {
            "root": root,
            "asset_root": asset_root,
            "lang": self.lang,
            "page_path": relative_path,
            "language_links": self.language_links(relative_path, root),
            "site_title": self.options.site_title,
            "refreshed_iso": refreshed.isoformat() if refreshed else "",
            "refreshed_text": (self.msgs.date_time(refreshed) if refreshed
                               else self.msgs.t("common.unknown")),
            "stale_after_hours": self.options.stale_after_hours,
            "failed_runs": list(self.refresh.get("failed_runs_since_last_publish") or []),
            "refresh_id": str(self.refresh.get("refresh_id", "")),
            "topojson_stub": _TOPOJSON_STUB,
        }

    def provenance(self) -> Provenance:
        return Provenance(
            files=[{"name": f.get("name"), "sha": str(f.get("sha256") or "")
                    [: self.options.sha256_prefix], "size": f.get("size_bytes")}
                   for f in (self.refresh.get("files") or [])],
            refresh_id=str(self.refresh.get("refresh_id", "")),
            catalogue_version=str(self.refresh.get("catalogue_version", "")),
            finished_at=self.refreshed_at,
            data_dir=self.refresh.get("data_dir"),
        )

    def downloads(self, relative_page: str, tables: list[DataTable]) -> Workbook | None:
        folder = (self.out_dir / relative_page).parent
        folder.mkdir(parents=True, exist_ok=True)
        stem = Path(relative_page).stem
        for table in tables:
            table.lang = self.lang  # page, CSV and XLSX in the page's language
        return write_downloads(tables, folder, stem)

    def page(self, relative_path: str, template: str, *, tables: list[DataTable],
             **context) -> Path:
        """Render one page; its tables' CSV files and its workbook are written beside it."""
        depth = relative_path.count("/")
        root = "../" * depth
        workbook = self.downloads(relative_path, tables)
        maps = context.setdefault("uses_maps", False)
        context["plotly_script"] = (vendor.SITE_NAME if self.basic_plotly and not maps
                                    else "plotly.min.js")
        html = self.env.get_template(template).render(**self.common(root, relative_path),
                                                      **context)
        if workbook is not None:  # its sheets numbered as the page shows the tables
            workbook.write(tables)
        path = self.out_dir / relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
        self.written.append(path)
        return path
