"""plotly.js's basic bundle, vendored at install: every chart of the site but the map.

plotly.py ships the full plotly.js (~4.8 MB), which a browser parses on every page
before it draws; the basic bundle (scatter, bar and pie, ~1.2 MB) draws every chart
but the overview's map (choropleth, scattergeo). Pages without a map load it instead.

`make install` runs this module: it fetches the npm registry's package of the same
plotly.js release as plotly.py's bundle (a test holds the two equal), checks it
against the integrity hash pinned here, and writes the script beside the site's
static files (git-ignored; plotly.js is MIT-licensed, its licence kept beside it).
Nothing fetches it at run time: without it (an install that skipped this step) every
page loads the full bundle.

    .venv/bin/python -m indicators.site.vendor
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import sys
import tarfile
import urllib.request
from pathlib import Path

PACKAGE = "plotly.js-basic-dist-min"
VERSION = "4.1.1"
INTEGRITY = ("sha512-1oNF8PeQx2hv/y7tqEVWKD3JGwn/MGEMQ8mL9HUwsaqG9FGy/OU5FHUHvzqbqxN4mnwZGI9"
             "abTiE775C4kkjMQ==")
FOLDER = Path(__file__).parent / "static" / "vendor"
BASIC = FOLDER / "plotly-basic.min.js"
# The site writes it under the same name, beside the full bundle's plotly.min.js.
SITE_NAME = BASIC.name


def tarball_url() -> str:
    return f"https://registry.npmjs.org/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"


def integrity(data: bytes) -> str:
    """npm's integrity string of a tarball."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def unpack(data: bytes, folder: Path = FOLDER) -> Path:
    """Check the tarball against the pinned hash; write its script and licence."""
    found = integrity(data)
    if found != INTEGRITY:
        raise ValueError(f"{tarball_url()}: integrity {found}; expected {INTEGRITY}")
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member, name in (("package/plotly-basic.min.js", BASIC.name),
                             ("package/LICENSE", "LICENSE.plotly.js")):
            extracted = tar.extractfile(member)
            if extracted is None:
                raise ValueError(f"{tarball_url()}: no {member} in the package")
            partial = folder / f".{name}.partial"  # never a half-written script
            partial.write_bytes(extracted.read())
            os.replace(partial, folder / name)
    return folder / BASIC.name


def vendored() -> Path | None:
    """The vendored script, when it is there and of the pinned release."""
    if not BASIC.is_file():
        return None
    with BASIC.open("rb") as script:
        head = script.read(200)
    return BASIC if f"v{VERSION}".encode() in head else None


def main() -> None:
    if vendored() is not None:
        BASIC.touch()  # newer than this module: make's target is up to date
        print(f"{BASIC} is there (plotly.js {VERSION})")
        return
    try:
        with urllib.request.urlopen(tarball_url(), timeout=120) as response:  # noqa: S310
            data = response.read()
        path = unpack(data)
    except OSError as exc:  # no network, DNS, HTTP errors
        sys.exit(f"could not fetch {tarball_url()} ({exc}); `make install` needs the npm "
                 "registry once, for plotly.js's basic bundle")
    except ValueError as exc:
        sys.exit(str(exc))
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, plotly.js {VERSION})")


if __name__ == "__main__":
    main()
