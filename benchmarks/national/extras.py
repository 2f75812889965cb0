"""The small files: area register, membership, outlines, references, published lists."""

from __future__ import annotations

import json
import math
from pathlib import Path

from benchmarks.national.rand import stream
from benchmarks.national.references import NATIONAL_DOMTE, regional_income
from benchmarks.national.register import Register


def write_areas(areas_dir: Path, register: Register) -> None:
    areas_dir.mkdir(parents=True, exist_ok=True)
    lines = ["area_id;area_name;municipality_code;region_code"]
    lines += [f"{a.area_id};{a.name};{a.municipality.code};{a.municipality.region}"
              for a in sorted(register.areas, key=lambda a: a.area_id)]
    (areas_dir / "areas.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["area_id;afdeling_id;valid_from;valid_to"]
    lines += [f"{a};{afd};{first};{'' if last is None else last}"
              for a, afd, first, last in register.membership]
    (areas_dir / "membership.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # The afdeling register (optional): every afdeling's municipality, also outside areas.
    lines = ["afdeling_id;municipality_code"]
    lines += [f"{a.afdeling_id};{a.municipality.code}"
              for a in sorted(register.afdelinger, key=lambda a: a.afdeling_id)]
    (areas_dir / "afdelinger.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_outlines(path: Path, seed: int, register: Register) -> None:
    """One small polygon per area near its municipality's main town (WGS84), the exterior
    ring counter-clockwise as RFC 7946 says."""
    rng = stream(seed, "outlines")
    features = []
    for area in sorted(register.areas, key=lambda a: a.area_id):
        m = area.municipality
        cx = m.lon + rng.uniform(-0.06, 0.06)
        cy = m.lat + rng.uniform(-0.035, 0.035)
        size = 0.002 + 0.004 * min(1.0, area.residents / 3000)
        corners = rng.randint(5, 8)
        ring = []
        for k in range(corners):  # increasing angle: counter-clockwise
            angle = 2 * math.pi * (k + rng.uniform(-0.2, 0.2)) / corners
            radius = size * rng.uniform(0.7, 1.0)
            ring.append([round(cx + 1.8 * radius * math.cos(angle), 6),
                         round(cy + radius * math.sin(angle), 6)])
        features.append({"type": "Feature",
                         "properties": {"area_id": area.area_id, "area_name": area.name},
                         "geometry": {"type": "Polygon", "coordinates": [ring + ring[:1]]}})
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection, ensure_ascii=False) + "\n", encoding="utf-8")


def write_references(reference_dir: Path, official: list[tuple[str, int, str]]) -> None:
    reference_dir.mkdir(parents=True, exist_ok=True)
    lines = ["aar;maal;vaerdi"]
    lines += [f"{y};domte_andel_18plus;{v.replace('.', ',')}" for y, v in NATIONAL_DOMTE.items()]
    (reference_dir / "national.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["region_code;aar;maal;vaerdi"]
    lines += [f"{r};{y};gns_bruttoindkomst_15_64;{v}"
              for (r, y), v in sorted(regional_income().items())]
    (reference_dir / "regional.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = ["area_id;year;status"] + [f"{a};{y};{s}" for a, y, s in official]
    (reference_dir / "official_status.csv").write_text("\n".join(lines) + "\n",
                                                        encoding="utf-8")
