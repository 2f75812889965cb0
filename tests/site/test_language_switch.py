"""The language switch: every page links its twin, labelled in the language it leads to."""

from __future__ import annotations

import re


def _switch(page: str) -> tuple[str, str, str, str]:
    found = re.search(r'<a href="([^"]+)" hreflang="(\w+)" lang="\w+" class="language-switch" '
                      r'aria-label="([^"]+)">([^<]+)</a>', page)
    assert found, "no language switch"
    return found.groups()


def test_the_switch_leads_to_the_twin_and_speaks_its_language(synthetic_site):
    site, _ = synthetic_site
    href, lang, label, text = _switch((site / "omraade" / "vangdalen.html").read_text("utf-8"))
    assert (href, lang, label, text) == ("../en/omraade/vangdalen.html", "en",
                                         "Read this page in English", "English")
    page = (site / "en" / "omraade" / "vangdalen.html").read_text("utf-8")
    href, lang, label, text = _switch(page)
    assert (href, lang, label, text) == ("../../omraade/vangdalen.html", "da",
                                         "Læs siden på dansk", "Dansk")
    assert (site / "en" / "omraade" / href).resolve() == (site / "omraade" / "vangdalen.html")
