import urllib.error
import urllib.request

import pytest

from pipelines.site_server import BackgroundServer, make_server


def _get(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read()


def test_serves_pages_scripts_and_downloads_with_their_types(synthetic_site):
    site, _ = synthetic_site
    with BackgroundServer(site) as url:
        assert url.startswith("http://127.0.0.1:")
        status, headers, body = _get(url + "index.html")
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert "Almene boligområder" in body.decode("utf-8")
        assert _get(url + "plotly.min.js")[1]["Content-Type"].startswith("text/javascript")
        assert _get(url + "static/site.css")[1]["Content-Type"].startswith("text/css")
        _, headers, body = _get(url + "index.xlsx")
        assert headers["Content-Type"].endswith("spreadsheetml.sheet") and body[:2] == b"PK"
        assert _get(url + "omraade/vangdalen.html")[0] == 200


def test_no_listings_no_escape_and_missing_is_404(synthetic_site):
    site, _ = synthetic_site
    with BackgroundServer(site) as url:
        for path in ("omraade/", "nope.html", "../../../../etc/passwd", "%2e%2e/%2e%2e/etc/passwd"):
            with pytest.raises(urllib.error.HTTPError) as err:
                _get(url + path)
            assert err.value.code == 404


def test_refuses_a_folder_without_a_site(tmp_path):
    with pytest.raises(FileNotFoundError, match="index.html"):
        make_server(tmp_path, port=0)
