"""The KÅS parse cache: a delivery is parsed once per content, name, mapping and reader;
entries no refresh uses any more are deleted."""

import hashlib

from indicators.inputs import kaas_cache
from indicators.inputs.kaas import read_kaas_file

HEADER = "afdeling_id;aar;maal;vaerdi\n"


def _delivery(tmp_path, text):
    path = tmp_path / "kaas_2025-03-01.csv"
    path.write_bytes((HEADER + text).encode("cp1252"))
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def _read(path, digest, cache_dir, name="kaas/kaas_2025-03-01.csv", labels_sha=None):
    return kaas_cache.read_kaas_cached(path, name, None, file_sha256=digest,
                                       labels_sha256=labels_sha, cache_dir=cache_dir)


def test_second_read_comes_from_the_cache_and_equals_a_fresh_parse(tmp_path):
    path, digest = _delivery(tmp_path, "027-0051;2020;beboere;412\n027-0052;2020;beboere;..\n")
    cache_dir = tmp_path / "cache"
    first, hit_first = _read(path, digest, cache_dir)
    second, hit_second = _read(path, digest, cache_dir)
    assert (hit_first, hit_second) == (False, True)
    fresh = read_kaas_file(path, "kaas/kaas_2025-03-01.csv", None)
    assert second.equals(fresh) and first.equals(fresh)
    assert second.height == 2


def test_new_content_name_or_labels_parse_again(tmp_path):
    path, digest = _delivery(tmp_path, "027-0051;2020;beboere;412\n")
    cache_dir = tmp_path / "cache"
    _read(path, digest, cache_dir)
    assert _read(path, digest, cache_dir, labels_sha="abc")[1] is False
    assert _read(path, digest, cache_dir, name="kaas/other_2025-03-01.csv")[1] is False
    path, changed = _delivery(tmp_path, "027-0051;2020;beboere;413\n")
    records, hit = _read(path, changed, cache_dir)
    assert hit is False and str(records["vaerdi"].item()) == "413.000000"


def test_pruning_keeps_exactly_the_entries_in_use(tmp_path):
    cache_dir = tmp_path / "cache"
    path, old = _delivery(tmp_path, "027-0051;2020;beboere;412\n")
    _read(path, old, cache_dir)
    path, new = _delivery(tmp_path, "027-0051;2020;beboere;413\n")
    _read(path, new, cache_dir)
    (cache_dir / "interrupted.partial").write_bytes(b"half")
    (cache_dir / "README").write_text("not ours")
    used = kaas_cache.cache_entry(cache_dir, new, "kaas/kaas_2025-03-01.csv", None)
    assert kaas_cache.prune_cache(cache_dir, [used]) == 2
    assert sorted(p.name for p in cache_dir.iterdir()) == sorted([used.name, "README"])
    assert kaas_cache.prune_cache(tmp_path / "no-cache-yet", []) == 0
