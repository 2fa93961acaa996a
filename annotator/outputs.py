"""Where a command may write: the one check every output path goes through (ADR 12).

An output (an export folder, an agreement report, a new corpus, the schemas) never goes
into a corpus, never holds the corpus it is made from, and never replaces something the
tool did not write. Paths are compared after resolving symbolic links and ``..``
(``os.path.realpath``), so no spelling of a path gets around the check.

Also here: writing one output file atomically with the modes a plain ``open`` gives (the
user's umask), and naming the output, not a hidden temporary, when the system refuses.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Literal

from annotator.corpus import atomic_write_bytes

CORPUS_FILE = "corpus.json"

OutputKind = Literal["folder", "file"]

#: Given an existing output, why it is not one the tool wrote (None: it is ours, replace it).
Foreign = Callable[[Path], str | None]


class OutputPathError(Exception):
    """The output path cannot be used; bad usage (exit code 2). The message names it."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


def real_path(path: Path | str) -> Path:
    """``path`` with every symbolic link and ``..`` resolved, even where it does not exist."""
    return Path(os.path.realpath(os.path.abspath(path)))


def enclosing_corpus(real: Path) -> Path | None:
    """The corpus folder that is ``real`` or holds it, if any (``real`` already resolved)."""
    for folder in (real, *real.parents):
        if (folder / CORPUS_FILE).is_file():
            return folder
    return None


def check_output_path(
    path: Path | str,
    corpus_root: Path | str | None = None,
    *,
    kind: OutputKind,
    replace: bool = False,
    foreign: Foreign | None = None,
    replace_hint: str = "",
    parents_must_exist: bool = True,
    ignore: Collection[str] = (),
) -> Path:
    """Refuse an output path that is unsafe; return its real path, where to write.

    - never the root of the file system, the corpus, anything inside a corpus (``corpus_root``
      or any folder holding a ``corpus.json``), nor a folder that holds ``corpus_root``;
    - never a symbolic link (replacing it would replace the link, not what it points to);
    - ``kind="folder"``: an existing non-empty folder only with ``replace`` and only when
      ``foreign`` says the tool wrote it; ``kind="file"``: never a folder, and an existing file
      only when ``foreign`` says the tool wrote it (no ``foreign``: never);
    - the parent folder must exist unless ``parents_must_exist`` is false;
    - ``ignore``: names in a folder that do not make it "not empty" (``.git`` of a clone).

    A path the system cannot even look at (a name longer than the file system allows, a
    folder without permission) is refused the same way, naming the path and the cause.
    """
    try:
        return _checked_output_path(
            path, corpus_root, kind=kind, replace=replace, foreign=foreign, replace_hint=replace_hint,
            parents_must_exist=parents_must_exist, ignore=ignore,
        )
    except OutputPathError:
        raise
    except OSError as exc:
        raise OutputPathError(Path(path), exc.strerror or str(exc)) from exc


def _checked_output_path(
    path: Path | str,
    corpus_root: Path | str | None,
    *,
    kind: OutputKind,
    replace: bool,
    foreign: Foreign | None,
    replace_hint: str,
    parents_must_exist: bool,
    ignore: Collection[str],
) -> Path:
    given = Path(path)
    if not str(path):
        raise OutputPathError("''", "an empty path")
    real = real_path(given)
    if real.parent == real:
        raise OutputPathError(given, f"is the root folder; give a new {kind} for the output")
    if corpus_root is not None:
        corpus = real_path(corpus_root)
        if real == corpus:
            raise OutputPathError(given, f"is the corpus; give a {kind} outside it")
        if corpus in real.parents:
            raise OutputPathError(given, f"is inside the corpus {corpus_root}; give a {kind} outside it")
        if real in corpus.parents:
            raise OutputPathError(given, f"holds the corpus {corpus_root}; give a {kind} outside it")
    other = enclosing_corpus(real)
    if other is not None:
        where = "is a corpus" if other == real else f"is inside the corpus {other}"
        raise OutputPathError(given, f"{where}; give a {kind} outside it")
    if given.is_symlink():
        raise OutputPathError(given, f"is a symbolic link; give the {kind} it points to, or another")
    if kind == "folder":
        _check_folder(given, real, replace, foreign, replace_hint, ignore)
    else:
        _check_file(given, real, foreign)
    if parents_must_exist and not real.parent.is_dir():
        raise OutputPathError(given.parent, "no such folder")
    return real


def _check_folder(
    given: Path, real: Path, replace: bool, foreign: Foreign | None, hint: str, ignore: Collection[str] = ()
) -> None:
    if real.exists() and not real.is_dir():
        raise OutputPathError(given, "exists and is not a folder")
    if not real.is_dir() or all(child.name in ignore for child in real.iterdir()):
        return
    if not replace:
        raise OutputPathError(given, "folder exists and is not empty" + (f"; {hint}" if hint else ""))
    why = "it was not written by annotator" if foreign is None else foreign(real)
    if why is not None:
        raise OutputPathError(given, f"not replaced: {why}")


def _check_file(given: Path, real: Path, foreign: Foreign | None) -> None:
    if real.is_dir():
        raise OutputPathError(given, "is a folder; give a file name")
    if real.exists():
        why = "it exists" if foreign is None else foreign(real)
        if why is not None:
            raise OutputPathError(given, f"not replaced: {why}; remove it or choose another name")


def name_the_output(exc: OSError, temporary: Path, final: Path) -> OSError:
    """The same error, naming ``final`` (or the file in it) instead of the hidden
    ``temporary`` it stood for; an error naming no file at all names ``final``."""
    if exc.errno is None:
        return exc
    filename = exc.filename
    if filename is None or Path(os.fsdecode(filename)) == temporary:
        named = final
    else:
        try:
            named = final / Path(os.fsdecode(filename)).relative_to(temporary)
        except ValueError:
            return exc  # about another file (the corpus, a lock): its own name says it
    if filename is not None and named == Path(os.fsdecode(filename)):
        return exc
    renamed = OSError(exc.errno, exc.strerror, str(named))
    renamed.__cause__ = exc
    return renamed


def write_output_file(path: Path, data: bytes, name: Path | None = None) -> None:
    """Write ``data`` to ``path`` with the corpus's atomic write (temporary beside it, fsync,
    rename, fsync of the folder; mode 0o666 less the umask). Errors name ``name`` (the path
    as the user gave it; default ``path``), never the temporary file."""
    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        filename = exc.filename
        if exc.errno is None or (
            filename is not None and Path(os.fsdecode(filename)).parent != path.parent
        ):
            raise  # about another file: its own name says it
        # No file named (a failed write), or the target or its temporary beside it.
        renamed = OSError(exc.errno, exc.strerror, str(name or path))
        raise renamed from exc
