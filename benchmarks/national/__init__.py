"""The national-scale synthetic data directory (benchmarks/generate_national.py).

Split by what each part decides: `geography` (municipalities and regions), `register`
(afdelinger, areas, membership), `panel` (every afdeling's KÅS measures per data year),
`deliveries` (how DST delivers them: files, formats, overlaps, revisions), `surveys`
(SurveyXact exports), `extras` (references, outlines, published statuses).
"""
