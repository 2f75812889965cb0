"""A plain local HTTP server for the published site (`boligmonitor serve-site`).

The site also opens straight from file://; the server is for browsers or
policies that restrict file:// pages. It only serves files under the site
folder, on the loopback interface by default, read-only. The folder is
resolved once at start, so a site swapped in atomically (the `site`
symlink) is picked up on restart; serving the symlink path itself follows
each new version immediately.
"""

from __future__ import annotations

import functools
import mimetypes
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# Types the standard table may lack on a minimal machine; a wrong type makes a
# browser refuse the script or offer the XLSX as text.
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}


class SiteRequestHandler(SimpleHTTPRequestHandler):
    """Static files only: GET and HEAD, no directory listings, no caching surprises."""

    server_version = "Boligmonitor"
    sys_version = ""

    def guess_type(self, path) -> str:
        suffix = Path(str(path)).suffix.lower()
        return _TYPES.get(suffix) or mimetypes.guess_type(str(path))[0] or \
            "application/octet-stream"

    def list_directory(self, path):
        # A folder without index.html is not browsable: the site links every page.
        self.send_error(404, "Not found")
        return None

    def end_headers(self) -> None:
        # Pages change with every refresh; make the browser ask again.
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (stdlib signature)
        # Request lines name only paths of the published, aggregate site.
        if getattr(self.server, "quiet", False):
            return
        super().log_message(format, *args)


def make_server(folder: str | Path, host: str = "127.0.0.1", port: int = 8000,
                quiet: bool = False) -> ThreadingHTTPServer:
    """A server bound to (host, port) for `folder`; port 0 picks a free port."""
    root = Path(folder)
    if not (root / "index.html").is_file():
        raise FileNotFoundError(f"{root} holds no site (index.html missing)")
    handler = functools.partial(SiteRequestHandler, directory=str(root))
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    server.quiet = quiet
    return server


def serve_site(folder: str | Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the site folder until interrupted (Ctrl+C)."""
    server = make_server(folder, host, port)
    bound_host, bound_port = server.server_address[:2]
    print(f"Boligmonitor: http://{bound_host}:{bound_port}/index.html  (Ctrl+C stopper)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


class BackgroundServer:
    """The server on a thread, for tests and embedding: `with BackgroundServer(dir) as url:`."""

    def __init__(self, folder: str | Path, host: str = "127.0.0.1", port: int = 0):
        self.server = make_server(folder, host, port, quiet=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def __enter__(self) -> str:
        self.thread.start()
        return self.url

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def main(argv: list[str] | None = None) -> None:
    """`python -m pipelines.site_server FOLDER [--port N]` (used by `boligmonitor serve`)."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("folder")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--wait", action="store_true",
                        help="Wait for the first publication instead of failing without one.")
    args = parser.parse_args(argv)
    if args.wait:
        import time

        index = Path(args.folder) / "index.html"
        if not index.is_file():
            print(f"Waiting for a published site at {args.folder} ...", flush=True)
        while not index.is_file():
            time.sleep(2)
    serve_site(args.folder, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
