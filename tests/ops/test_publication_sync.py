"""A publication is on disk before it goes live: one syncfs of its file system, or, where
the C library has none, an fsync of every file and folder in it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from pipelines import publication as pub


@pytest.fixture
def folder(tmp_path) -> Path:
    folder = tmp_path / "publication"
    (folder / "site" / "areas").mkdir(parents=True)
    (folder / pub.DB_NAME).write_text("warehouse")
    (folder / "site" / "index.html").write_text("site")
    (folder / "site" / "areas" / "a.html").write_text("area")
    return folder


def _synced_paths(monkeypatch) -> list[str]:
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(pub.os, "fsync", fsync)
    return synced


def test_without_syncfs_every_file_and_folder_is_fsynced(folder, monkeypatch):
    monkeypatch.setattr(pub, "_libc_syncfs", lambda: None)
    synced = _synced_paths(monkeypatch)
    pub._sync_tree(folder)
    expected = {str(p) for p in folder.rglob("*")} | {str(folder)}
    assert set(synced) == expected


def test_with_syncfs_one_call_flushes_the_file_system(folder, monkeypatch):
    calls: list[str] = []

    def syncfs(fd: int) -> int:
        calls.append(os.readlink(f"/proc/self/fd/{fd}"))
        return 0

    monkeypatch.setattr(pub, "_libc_syncfs", lambda: syncfs)
    synced = _synced_paths(monkeypatch)
    pub._sync_tree(folder)
    assert calls == [str(folder)]
    assert synced == []


def test_a_failed_syncfs_fails_the_publication(folder, monkeypatch):
    def syncfs(fd: int) -> int:
        pub.ctypes.set_errno(5)  # EIO: the disk did not take the writes
        return -1

    monkeypatch.setattr(pub, "_libc_syncfs", lambda: syncfs)
    with pytest.raises(OSError, match="Input/output error"):
        pub._sync_tree(folder)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="syncfs is Linux's")
def test_linux_has_syncfs():
    assert pub._libc_syncfs() is not None
