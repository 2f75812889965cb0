"""Debian's headless Chromium, driven through Selenium and chromedriver.

No browser is ever downloaded: the binary and the driver are Debian's
`chromium` and `chromium-driver` packages (installed by .ci/run). The
network is blocked through the DevTools protocol, and every request the
page makes is read back from the performance log, so a test can fail on
any request that leaves the machine as well as on any console error.
"""

from __future__ import annotations

import base64
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tests.site.site_checks import html_pages

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=da-DK",
    # Let file:// pages read their sibling files (plotly.min.js) like any other page.
    "--allow-file-access-from-files",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


class BrowserMissing(RuntimeError):
    pass


def require_chromium() -> None:
    """Fail (never skip) when Debian's Chromium or its driver is absent."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()
               and shutil.which(Path(p).name) is None]
    if missing:
        raise BrowserMissing(
            f"{', '.join(missing)} not found: install Debian's chromium and chromium-driver "
            "(apt-get install -y chromium chromium-driver); .ci/run does this")


@dataclass
class PageReport:
    url: str
    console: list[dict] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def console_errors(self) -> list[str]:
        return [e["message"] for e in self.console if e.get("level") == "SEVERE"]

    def offsite_requests(self) -> list[str]:
        """Requests to anything but this machine (file:, data:, blob: and 127.0.0.1)."""
        out = []
        for url in self.requests:
            parsed = urlparse(url)
            if parsed.scheme in ("file", "data", "blob", "about", "chrome", "devtools"):
                continue
            if parsed.scheme in ("http", "https", "ws", "wss") and parsed.hostname in LOCAL_HOSTS:
                continue
            out.append(url)
        return out


class Browser:
    def __init__(self, block_network: bool = True):
        require_chromium()
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in FLAGS:
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        self.driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
        self.driver.set_page_load_timeout(60)
        # The page-side waits below end themselves (their own deadlines) well before this.
        self.driver.set_script_timeout(600)
        self.driver.execute_cdp_cmd("Network.enable", {})
        if block_network:
            # Anything over http(s) is refused; served pages are tested with
            # block_network=False and their requests checked to be local.
            self.driver.execute_cdp_cmd("Network.setBlockedURLs",
                                        {"urls": ["http://*", "https://*", "ws://*", "wss://*"]})

    def close(self) -> None:
        self.driver.quit()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _drain_logs(self) -> tuple[list[dict], list[str]]:
        console = self.driver.get_log("browser")
        requests = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                requests.append(message["params"]["request"]["url"])
        return console, requests

    def open(self, url: str, wait_s: float = 30) -> PageReport:
        """Load a page and wait until site.js has drawn it (body[data-ready]), then until
        the page has settled (READY_JS)."""
        self._drain_logs()
        self.driver.get(url)
        self.driver.execute_async_script(READY_JS, wait_s * 1000)
        console, requests = self._drain_logs()
        return PageReport(url=url, console=console, requests=requests)

    def draw_every_chart(self, drawn: str = "[data-drawn]", per_chart_s: float = 1) -> int:
        """Scroll each chart into view (site.js draws a chart when it comes into view) and
        wait until it matches `drawn` or `per_chart_s` has passed; returns the count."""
        return self.driver.execute_async_script(DRAW_EVERY_CHART_JS, drawn, per_chart_s * 1000)

    def run(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def screenshot(self, path: Path, full_page: bool = True) -> Path:
        """A PNG of the whole page, not just the window."""
        params: dict = {"format": "png", "captureBeyondViewport": full_page}
        if full_page:
            metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": size["width"],
                              "height": min(size["height"], 16000), "scale": 1}
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", params)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def print_pdf(self, path: Path) -> Path:
        pdf = self.driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True,
                                                              "preferCSSPageSize": True})
        path.write_bytes(base64.b64decode(pdf["data"]))
        return path


def open_clean(browser: Browser, url: str) -> PageReport:
    """Open a page; it must log no console error and request nothing off the machine."""
    report = browser.open(url)
    assert report.console_errors() == [], f"{url}: console errors {report.console_errors()}"
    assert report.offsite_requests() == [], f"{url}: requests off the machine"
    return report


def assert_charts_drawn(browser: Browser, where: str) -> int:
    """Bring every chart into view (site.js draws it then); each must hold an SVG with
    traces and points. Returns the count."""
    browser.draw_every_chart("[data-drawn]", per_chart_s=1)
    charts = browser.run(CHART_STATE_JS)
    plots = browser.run("return document.querySelectorAll('.plot[data-figure]').length")
    assert len(charts) == plots
    for chart in charts:
        assert chart["svg"], f"{where}: chart {chart['id']} has no SVG"
        assert chart["traces"] > 0 and chart["points"] > 0, f"{where}: chart {chart['id']} empty"
    return len(charts)


def check_every_page(browser: Browser, site: Path, also=None) -> int:
    """Every page of `site` at the window's current size: it loads offline without a
    console error, draws every chart, and every link, script and stylesheet the browser
    resolves is a file of the site; then `also(page)` if given. Returns the charts drawn."""
    total = 0
    for page in html_pages(site):
        open_clean(browser, page.as_uri())
        total += assert_charts_drawn(browser, str(page.relative_to(site)))
        hrefs = browser.run(
            "return [...document.querySelectorAll('a[href], script[src], link[href]')]"
            ".map(e => e.href || e.src).filter(h => !h.startsWith('data:'))")
        for href in hrefs:
            assert href.startswith("file://"), f"{page}: link leaves the site: {href}"
            target = Path(href.removeprefix("file://").split("#")[0])
            assert target.is_file(), f"{page}: broken link {href}"
        if also is not None:
            also(page)
    return total


# Waits inside the page, in one round trip each, instead of polling it from here. Ready:
# site.js has run (or the page has no site.js); settled: two animation frames and a task
# later, so the charts in view, which the IntersectionObserver draws at the first frame, are
# drawn and anything they logged is in the console log (at most 0.3 s, the fixed settle
# this replaces, should a headless frame never come).
READY_JS = """
const [waitMs, done] = arguments;
const deadline = performance.now() + waitMs;
function settle() {
  let finished = false;
  const finish = () => { if (!finished) { finished = true; done(true); } };
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(finish, 0)));
  setTimeout(finish, 300);
}
function check() {
  const ready = document.readyState === 'complete' && (
    document.body.getAttribute('data-ready') === 'true' ||
    !document.querySelector('script[src$="site.js"]'));
  if (ready || performance.now() > deadline) { settle(); } else { setTimeout(check, 10); }
}
check();
"""

DRAW_EVERY_CHART_JS = """
const [drawn, perChartMs, done] = arguments;
const plots = [...document.querySelectorAll('.plot[data-figure]')];
let i = 0;
function next() {
  if (i >= plots.length) { done(plots.length); return; }
  const plot = plots[i];
  plot.scrollIntoView();
  const deadline = performance.now() + perChartMs;
  (function wait() {
    if (plot.matches(drawn) || plot.querySelector(drawn) || performance.now() > deadline) {
      i += 1;
      next();
    } else {
      setTimeout(wait, 5);
    }
  })();
}
next();
"""

# Read what a drawn page holds: per chart, whether Plotly made its SVG and
# how many data points it draws.
CHART_STATE_JS = """
const out = [];
for (const el of document.querySelectorAll('.plot[data-figure]')) {
  const svg = el.querySelector('svg.main-svg');
  const points = el.querySelectorAll(
    'g.trace path.point, g.trace.bars path, path.choroplethlocation, g.scatterlayer path.js-line, '
    + 'g.textpoint text, g.trace text');
  out.push({id: el.id, svg: !!svg, points: points.length,
            traces: (el.data || []).length,
            title: (el.querySelector('.gtitle') || {}).textContent || ''});
}
return out;
"""
