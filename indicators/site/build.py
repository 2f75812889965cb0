def build_site(frames, refresh, out_dir):
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "index.html").write_text("<html><body>TODO</body></html>", encoding="utf-8")
    return [out_dir / "index.html"]
