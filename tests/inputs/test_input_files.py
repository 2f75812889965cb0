"""Input files are opened without blocking: a FIFO or device where a data file should
be is an error naming it, never a hang (also when swapped in after the scan)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from indicators.errors import InputError
from indicators.inputs.files import read_input_bytes
from indicators.inputs.kaas import read_kaas_file
from indicators.inputs.textfile import read_text_table


def test_a_fifo_in_place_of_a_csv_is_named_not_waited_on(tmp_path):
    fifo = tmp_path / "kaas_2026.csv"
    os.mkfifo(fifo)  # nobody writes it: a blocking open would never return
    with pytest.raises(InputError, match=r"kaas/kaas_2026.csv: is not a regular file \(a FIFO"):
        read_text_table(fifo, "kaas/kaas_2026.csv", ["afdeling_id", "aar", "maal", "vaerdi"])


def test_a_fifo_in_place_of_a_workbook_is_named_not_waited_on(tmp_path):
    fifo = tmp_path / "kaas_2026.xlsx"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="kaas/kaas_2026.xlsx: is not a regular file"):
        read_kaas_file(fifo, "kaas/kaas_2026.xlsx", None)


def test_a_folder_is_named_as_a_folder(tmp_path):
    with pytest.raises(InputError, match="areas/areas.csv: is a folder: expected a regular file"):
        read_input_bytes(tmp_path, "areas/areas.csv")


def test_a_device_is_refused_before_anything_is_read():
    with pytest.raises(InputError, match="is not a regular file"):
        read_input_bytes(Path("/dev/zero"), "kaas/zero.csv")


def test_a_regular_file_reads_whole(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"x;y\n1;2\n")
    assert read_input_bytes(tmp_path / "a.csv", "a.csv") == b"x;y\n1;2\n"
