"""Where the demo corpus and the JSON Schemas are, in a checkout and after a plain install.

In a checkout (and an editable install) they are the repository's ``corpora/demo`` and
``schemas/``; ``annotator`` with no argument opens ``corpora/demo`` in place, as it always
did. A wheel carries copies in ``annotator/data/`` (``setup.py`` puts them there, ADR 0020).
The installed copy is never written: the app writes locks, journals and annotations into
the corpus it opens, and ``site-packages`` may be read-only or shared by several users, and
pip would not remove what the app added. So the first ``annotator`` copies the demo to the
user's data folder (platformdirs) and opens that copy from then on.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from pathlib import Path

import platformdirs

#: The distribution's name: the user data folder is named after it.
APP_NAME = "article-annotator"

_PACKAGE = Path(__file__).resolve().parent
_BUNDLED = _PACKAGE / "data"
_CHECKOUT = _PACKAGE.parent


class DemoError(Exception):
    """The demo corpus cannot be found or copied; the message names the folder."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


def _is_corpus(folder: Path) -> bool:
    return (folder / "corpus.json").is_file()


def bundled_demo() -> Path | None:
    """The demo corpus inside the installed package (never to be written), None in a checkout."""
    folder = _BUNDLED / "demo"
    return folder if _is_corpus(folder) else None


def checkout_demo() -> Path | None:
    """The repository's ``corpora/demo`` when the package runs from a checkout."""
    folder = _CHECKOUT / "corpora" / "demo"
    return folder if _is_corpus(folder) else None


def bundled_schemas() -> Path | None:
    """The JSON Schemas shipped in the installed package (as of its build), None in a checkout."""
    folder = _BUNDLED / "schemas"
    return folder if folder.is_dir() else None


def user_demo_dir() -> Path:
    """Where the installed demo is copied: ``~/.local/share/article-annotator/demo`` on Linux
    (``$XDG_DATA_HOME`` when set), the platform's user data folder elsewhere."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "demo"


def demo_corpus() -> tuple[Path, bool]:
    """The demo corpus to open, and whether it was copied just now.

    The checkout's ``corpora/demo`` when there is one; else the user's copy of the installed
    demo, made on first use. An existing copy is kept as it is (it holds the user's work on
    the demo); deleting the folder gets a fresh one. :class:`DemoError` when neither exists.
    """
    checkout = checkout_demo()
    bundled = bundled_demo()
    if bundled is None:
        if checkout is None:
            raise DemoError(
                f"{_BUNDLED / 'demo'}: the demo corpus is not installed; "
                "reinstall article-annotator or open a corpus folder",
                _BUNDLED / "demo",
            )
        return checkout, False
    target = user_demo_dir()
    if _is_corpus(target):
        return target, False
    if target.exists() and any(target.iterdir()):
        # Not a copy we made (or one the user emptied of its corpus.json): never overwrite it.
        raise DemoError(
            f"{target}: not a corpus (no corpus.json); move it away to get a fresh copy "
            "of the demo corpus",
            target,
        )
    return _copy_demo(bundled, target), True


def _copy_demo(bundled: Path, target: Path) -> Path:
    """Copy the demo next to ``target`` and rename it into place, so that a copy cut short
    (disk full, Ctrl+C) never leaves a half corpus at ``target`` that later runs would open."""
    target.parent.mkdir(parents=True, exist_ok=True)
    work = target.parent / f".{target.name}.{os.getpid()}.tmp"
    shutil.rmtree(work, ignore_errors=True)
    try:
        shutil.copytree(bundled, work)
        # Files in site-packages may be read-only (a system install); the copy must not be.
        for folder, _dirs, files in os.walk(work):
            for path in (folder, *(os.path.join(folder, name) for name in files)):
                os.chmod(path, os.stat(path).st_mode | stat.S_IWUSR)
        with contextlib.suppress(OSError):
            target.rmdir()  # an empty folder left by the user or an earlier failed copy
        try:
            work.rename(target)
        except OSError:
            if not _is_corpus(target):  # not a second process that copied it first
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target
