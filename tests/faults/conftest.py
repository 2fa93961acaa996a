"""Fixtures for the fault-injection suite: a disk that fills up and a read-only corpus.

Both need a real file system that says no, because the process runs as root in CI and root
ignores file modes. Where the machine lets us mount (root with CAP_SYS_ADMIN), they use a
small tmpfs; a read-only one is remounted ``ro``. Elsewhere a non-root user gets the same
refusal from ``chmod``; only a non-root-less, mount-less machine skips (the injected-error
tests beside these still run there).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def _mount_tmpfs(where: Path, size_kb: int) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0755", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


def _umount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def fill_disk(folder: Path) -> None:
    """Fill the file system holding ``folder`` until a write fails with ENOSPC."""
    filler = folder / f".filler-{uuid.uuid4().hex}"
    chunk = b"\0" * 4096
    with open(filler, "wb", buffering=0) as handle:
        while True:
            try:
                handle.write(chunk)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                break
    # The last few bytes: a page-sized write can fail while smaller ones still fit.
    with open(filler, "ab", buffering=0) as handle, contextlib.suppress(OSError):
        while True:
            handle.write(b"\0")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A folder on its own tmpfs of 8 MB; ``fill_disk(folder)`` makes it full."""
    where = tmp_path / f"disk-{uuid.uuid4().hex[:8]}"
    if not _mount_tmpfs(where, 8 * 1024):
        pytest.skip("cannot mount a small tmpfs here (needs root); the injected-ENOSPC tests cover it")
    try:
        yield where
    finally:
        _umount(where)


@pytest.fixture
def make_read_only(tmp_path: Path) -> Iterator[Callable[[Path], Path]]:
    """``make_read_only(folder)`` returns a read-only copy of ``folder`` (same tree).

    As root: a tmpfs holding the copy, remounted read-only. Otherwise: the copy with every
    write bit removed.
    """
    mounts: list[Path] = []
    chmodded: list[Path] = []

    def make(folder: Path) -> Path:
        where = tmp_path / f"ro-{uuid.uuid4().hex[:8]}"
        if os.geteuid() == 0:
            if not _mount_tmpfs(where, 64 * 1024):
                pytest.skip("cannot mount a tmpfs to make a read-only corpus (needs CAP_SYS_ADMIN)")
            mounts.append(where)
            target = where / folder.name
            shutil.copytree(folder, target, symlinks=True)
            result = subprocess.run(
                ["mount", "-o", "remount,ro", str(where)], capture_output=True, check=False
            )
            if result.returncode != 0:
                pytest.skip(f"cannot remount read-only: {result.stderr.decode(errors='replace')}")
            return target
        target = where / folder.name
        shutil.copytree(folder, target, symlinks=True)
        for root, dirs, files in os.walk(target):
            for name in [*dirs, *files]:
                p = Path(root) / name
                p.chmod(p.stat().st_mode & ~0o222)
        target.chmod(target.stat().st_mode & ~0o222)
        chmodded.append(target)
        return target

    yield make
    for where in mounts:
        _umount(where)
    for target in chmodded:
        for root, dirs, _files in os.walk(target):
            for name in dirs:
                with contextlib.suppress(OSError):
                    (Path(root) / name).chmod(0o755)
        with contextlib.suppress(OSError):
            target.chmod(0o755)
