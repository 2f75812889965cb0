"""Checks on a built site folder that need no browser: size, links, offline-ness."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

MAX_PAGE_BYTES = 1_000_000
# plotly.js, full and basic (indicators/site/vendor.py): shared by the pages, not pages.
SHARED_SCRIPTS = ("plotly.min.js", "plotly-basic.min.js")


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if value and ((name in ("href", "src") and tag != "svg") or name == "action"):
                self.refs.append((tag, name, value))


def page_refs(page: Path) -> tuple[list[tuple[str, str, str]], set[str]]:
    parser = _Refs()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.refs, parser.ids


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def oversized(site: Path) -> list[tuple[str, int]]:
    """Every file but the shared plotly.js bundles must stay under 1 MB."""
    return [(str(p.relative_to(site)), p.stat().st_size) for p in site.rglob("*")
            if p.is_file() and p.name not in SHARED_SCRIPTS and p.stat().st_size >= MAX_PAGE_BYTES]


def broken_links(site: Path) -> list[str]:
    """Relative links to missing files or anchors, and any link off the machine."""
    problems = []
    parsed_pages = {p: page_refs(p) for p in html_pages(site)}  # each page parsed once
    ids_by_page = {p: ids for p, (_refs, ids) in parsed_pages.items()}
    for page, (refs, _ids) in parsed_pages.items():
        for _tag, attr, value in refs:
            parsed = urlparse(value)
            if parsed.scheme in ("data",) or value.startswith("#icon-"):
                continue
            if parsed.scheme or value.startswith("//"):
                problems.append(f"{page.relative_to(site)}: external {attr} {value}")
                continue
            target = (page.parent / unquote(parsed.path)).resolve() if parsed.path else page
            if not target.is_file():
                problems.append(f"{page.relative_to(site)}: missing {value}")
            elif parsed.fragment and target.suffix == ".html" and \
                    parsed.fragment not in ids_by_page.get(target, page_refs(target)[1]):
                problems.append(f"{page.relative_to(site)}: missing anchor {value}")
    return problems
