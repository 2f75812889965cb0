"""Splitting a refresh's wall time into phases from its progress lines."""

from benchmarks.phases import breakdown, peak_by_step, phase_of

LINES = [
    (3.0, "  … raw/files"),
    (3.5, "  ✓ raw/files (0.5 s)"),
    (3.6, "  … staging_kaas"),
    (5.6, "  ✓ staging_kaas (2.0 s)"),
    (5.7, "  ! staging_kaas: 12 afdelinger belong to no area"),
    (5.8, "  ✓ mart/indicator_values (1.0 s)"),
    (6.9, "  ✓ mart/indicator_values_published_shape (0.1 s)"),
    (7.1, "  ✓ mart/area_status (0.2 s)"),
    (9.3, "  ✓ publish/site (2.0 s)"),
    (9.8, "  ✓ publish/serving (0.4 s)"),
]


def test_steps_fall_into_their_phases():
    assert phase_of("raw/files") == "ingest"
    assert phase_of("staging_kaas") == "staging"
    assert phase_of("staging/areas") == "staging"
    assert phase_of("mart/area_status") == "indicators"
    assert phase_of("mart/area_status_row_count_change") == "checks"
    assert phase_of("publish/site") == "site"
    assert phase_of("publish/serving") == "publish"


def test_wall_time_splits_into_startup_steps_orchestration_and_shutdown():
    parts = breakdown(LINES, wall_s=10.5)
    assert parts.startup_s == 3.0
    assert abs(parts.shutdown_s - 0.7) < 1e-9
    steps = sum(parts.steps.values())
    assert abs(parts.startup_s + steps + parts.orchestration_s + parts.shutdown_s - 10.5) < 1e-9
    assert parts.phases["staging"] == 2.0 and parts.phases["checks"] == 0.1
    assert abs(parts.indicator_part_s - 1.2) < 1e-9


def test_files_to_warehouse_leaves_out_the_site():
    parts = breakdown(LINES, wall_s=10.5)
    assert abs(parts.files_to_warehouse_s - (9.8 - 2.0)) < 1e-9


def test_memory_peaks_are_attributed_to_the_step_running_then():
    samples = [(1.0, 100), (3.2, 150), (4.0, 900), (5.7, 300), (9.0, 400)]
    peaks = peak_by_step(LINES, samples)
    assert peaks["start-up"] == 100
    assert peaks["staging_kaas"] == 900
    assert "publish/site" not in peaks  # its start line is missing: no span


def test_a_multi_asset_step_labelled_by_its_keys_counts_once():
    lines = [(1.0, "  … staging/kaas + staging/kaas_revisions"),
             (3.0, "  ✓ staging/kaas + staging/kaas_revisions (2.0 s)"),
             (3.1, "  … mart/area_status + mart/indicator_values"),
             (4.6, "  ✓ mart/area_status + mart/indicator_values (1.5 s)")]
    parts = breakdown(lines, wall_s=5.0)
    assert parts.steps == {"staging/kaas + staging/kaas_revisions": 2.0,
                           "mart/area_status + mart/indicator_values": 1.5}
    assert parts.phases["staging"] == 2.0 and parts.phases["indicators"] == 1.5
    assert abs(parts.indicator_part_s - 1.5) < 1e-9
    assert peak_by_step(lines, [(2.0, 700)]) == {"staging/kaas + staging/kaas_revisions": 700}
