"""The home's refresh lock: owner-only, never written through a planted link."""

from __future__ import annotations

import os
import stat

import pytest

from pipelines.lock import LockTimeout, exclusive_lock


def test_the_lock_file_is_owner_only_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        with exclusive_lock(tmp_path / "refresh.lock", timeout_s=1):
            mode = stat.S_IMODE((tmp_path / "refresh.lock").stat().st_mode)
    finally:
        os.umask(old)
    assert mode == 0o600
    assert (tmp_path / "refresh.lock").read_text().startswith(f"pid {os.getpid()} since ")


def test_a_link_at_the_lock_name_is_refused_and_its_target_untouched(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("not ours\n")
    (tmp_path / "refresh.lock").symlink_to(victim)
    with pytest.raises(LockTimeout, match="is a symbolic link: expected the home's own lock"):
        with exclusive_lock(tmp_path / "refresh.lock", timeout_s=1):
            pass
    assert victim.read_text() == "not ours\n"


def test_a_second_holder_waits_and_then_gives_up_naming_the_first(tmp_path):
    lock = tmp_path / "refresh.lock"
    with exclusive_lock(lock, timeout_s=1):
        with pytest.raises(LockTimeout, match=rf"another refresh is running \(pid {os.getpid()}"):
            with exclusive_lock(lock, timeout_s=0.6):
                pass
