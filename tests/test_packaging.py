"""The wheel works after a plain, non-editable install (ADR 0020).

One test builds the wheel from a copy of the tree, installs it into a fresh venv and runs
the installed ``annotator`` from a folder outside the repository: ``--version``,
``validate`` on the demo corpus inside the package, ``schema``, and the app offscreen on the
demo (which it copies to the user data folder). Nothing touches the network: the build uses
this venv's setuptools (``--no-build-isolation``), the install ``--no-index --no-deps``, and
the fresh venv sees the dependencies already installed here through a ``.pth`` file. That
file only appends this venv's site-packages to ``sys.path``: the ``.pth`` files in it (the
editable install's finder, which would import the checkout) are not run.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import annotator
import annotator.demo as demo_module
from annotator.cli import main
from annotator.schemas import render_schemas

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "corpora" / "demo"

#: What the build reads: setup.py copies corpora/demo and schemas/ into the wheel.
BUILD_INPUTS = ("annotator", "corpora/demo", "schemas", "pyproject.toml", "setup.py", "setup.cfg", "MANIFEST.in", "README.md", "LICENSE")

#: Seconds the app must stay up on the demo corpus, offscreen.
APP_SECONDS = 3.0


def _build_backend_missing() -> str | None:
    if importlib.util.find_spec("setuptools") is None:
        return "setuptools is not installed in this venv (pip install -e '.[test]')"
    # bdist_wheel is in setuptools since 70.1; before that it comes with `wheel`.
    if importlib.util.find_spec("setuptools.command.bdist_wheel") is None and importlib.util.find_spec("wheel") is None:
        return "neither setuptools>=70.1 nor wheel is installed in this venv (pip install -e '.[test]')"
    return None


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` but bytecode caches: its size and modification time."""
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_installed_wheel_runs_outside_the_checkout(tmp_path: Path) -> None:
    missing = _build_backend_missing()
    if missing:
        pytest.skip(f"cannot build the wheel offline: {missing}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_", "VIRTUAL_ENV"))}
    env |= {
        "PIP_NO_INDEX": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PYTHONNOUSERSITE": "1",
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    work = tmp_path / "work"  # the cwd of every installed command: not the repository
    work.mkdir()

    # Build from a copy, so that build/ and *.egg-info never land in the checkout.
    source = tmp_path / "src"
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "data"))
        else:
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip"]
    _run([*pip, "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "dist"), str(source)], work, env)
    (wheel,) = (tmp_path / "dist").glob("article_annotator-*.whl")

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], work, env)
    python = venv / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], work, env).stdout.strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "zz_project_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n", "utf-8")
    _run([*pip, "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)], work, env)

    # The installed package, not the checkout, is what runs.
    where = _run([str(python), "-c", "import annotator.demo as d; print(d.__file__); print(d.bundled_demo())"], work, env)
    module, bundled = (Path(line) for line in where.stdout.splitlines())
    assert module.is_relative_to(site), module
    assert bundled == site / "annotator" / "data" / "demo"
    installed_before = _tree(site / "annotator")
    assert "data/demo/corpus.json" in installed_before
    assert {p.name for p in (site / "annotator" / "data" / "schemas").iterdir()} == set(render_schemas())

    annotator_cmd = str(venv / "bin" / "annotator")
    assert _run([annotator_cmd, "--version"], work, env).stdout == f"annotator {annotator.__version__}\n"

    report = json.loads(_run([annotator_cmd, "validate", "--json", str(bundled)], work, env).stdout)
    assert report["ok"] is True and report["problems"] == []
    assert report["documents"] == len(list((DEMO / "documents").glob("*.txt")))
    assert report["annotations"] == len(list(DEMO.glob("annotations/*/*.json"))) + len(list(DEMO.glob("gold/*.json")))

    # `schema` writes ./schemas where it is run, the same files as the checkout's.
    _run([annotator_cmd, "schema"], work, env)
    assert {p.name: p.read_bytes() for p in (work / "schemas").iterdir()} == render_schemas()

    # `annotator` alone: the demo is copied to the user data folder and the window opens on it.
    copy = tmp_path / "data" / "article-annotator" / "demo"
    app = subprocess.Popen(
        [annotator_cmd, "--annotator", "packager"], cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        started = time.monotonic()
        while time.monotonic() - started < APP_SECONDS and app.poll() is None:
            time.sleep(0.1)
        alive = app.poll() is None
    finally:
        app.terminate()
        try:
            _out, err = app.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            app.kill()
            _out, err = app.communicate()
    assert alive, f"the app exited with {app.returncode} within {APP_SECONDS} s:\n{err}"
    assert f"copied the demo corpus to {copy}" in err
    assert "Traceback" not in err
    assert (copy / "corpus.json").read_bytes() == (bundled / "corpus.json").read_bytes()
    # The editing lock of the annotator the window opened for is in the copy.
    assert (copy / "annotations" / "packager").is_dir()

    # Nothing was written into site-packages.
    assert _tree(site / "annotator") == installed_before


# --------------------------------------------------------------------------- extras spelling


def extra_spellings(
    roots: Iterable[str], requires_of: Callable[[str], list[str] | None]
) -> dict[str, set[str]]:
    """``package[extra]`` (normalised) -> the spellings the dependency tree from ``roots``
    asks it with. ``requires_of(name)`` gives a distribution's Requires-Dist (None: not
    installed). Markers are evaluated for this interpreter and the extras asked of each
    distribution; pip 23.2 stops with an AssertionError when one extra has two spellings."""
    spellings: dict[str, set[str]] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    pending = [Requirement(r) for r in roots]
    while pending:
        req = pending.pop()
        name = canonicalize_name(req.name)
        for extra in req.extras:
            spellings.setdefault(f"{name}[{canonicalize_name(extra)}]", set()).add(extra)
        key = (name, frozenset(canonicalize_name(e) for e in req.extras))
        if key in seen:
            continue
        seen.add(key)
        for line in requires_of(req.name) or []:
            dep = Requirement(line)
            wanted = ["", *sorted(key[1])]
            if dep.marker is None or any(dep.marker.evaluate({"extra": e}) for e in wanted):
                pending.append(dep)
    return spellings


def _installed_requires(name: str) -> list[str] | None:
    try:
        return importlib.metadata.requires(name) or []
    except importlib.metadata.PackageNotFoundError:
        return None


def test_no_extra_is_asked_for_with_two_spellings() -> None:
    # What broke `pip install .` with the pip bundled with Python 3.11 (ADR 0020).
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    spellings = extra_spellings(project["dependencies"], _installed_requires)
    assert "lxml[html-clean]" in spellings  # the walk reaches justext's lxml[html_clean]
    assert {k: v for k, v in spellings.items() if len(v) > 1} == {}


def test_the_spelling_check_catches_the_readability_lxml_case() -> None:
    # The metadata of trafilatura 2.3, justext 3.0.2 and readability-lxml 0.9.
    graph = {
        "trafilatura": ["lxml>=6.1.3", "justext>=3.0.1", 'readability-lxml==0.9; extra == "eval"'],
        "justext": ["lxml[html_clean]>=4.4.2"],
        "readability-lxml": ["lxml[html-clean]<7,>=5.4", 'lxml-html-clean<0.5; python_version < "3.11"'],
        "lxml": ['lxml_html_clean; extra == "html-clean"'],
        "lxml_html_clean": ["lxml>=6.1.1"],
    }
    assert extra_spellings(["trafilatura>=2.0"], graph.get) == {"lxml[html-clean]": {"html_clean"}}
    assert extra_spellings(["trafilatura>=2.0", "readability-lxml>=0.8.1"], graph.get) == {
        "lxml[html-clean]": {"html_clean", "html-clean"}
    }


# --------------------------------------------------------------------------- the demo after install


@pytest.fixture
def installed_layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``annotator.demo`` as in an installed package: a read-only bundled demo, no checkout,
    the user data folder under ``tmp_path``. Returns the bundled demo."""
    package_data = tmp_path / "site-packages" / "annotator" / "data"
    shutil.copytree(DEMO, package_data / "demo", ignore=shutil.ignore_patterns(".*"))
    for path in sorted(package_data.rglob("*"), reverse=True):
        path.chmod(0o555 if path.is_dir() else 0o444)
    monkeypatch.setattr(demo_module, "_BUNDLED", package_data)
    monkeypatch.setattr(demo_module, "_CHECKOUT", tmp_path / "site-packages")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    yield package_data / "demo"
    for path in package_data.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def test_first_open_copies_the_demo_then_reuses_the_copy(installed_layout: Path, tmp_path: Path) -> None:
    copy = demo_module.user_demo_dir()
    assert copy.is_relative_to(tmp_path / "data")
    assert demo_module.demo_corpus() == (copy, True)
    assert _tree_bytes(copy) == _tree_bytes(installed_layout)
    # The copy is the user's: writable by its owner even though the installed files are not.
    assert [p for p in [copy, *copy.rglob("*")] if not p.stat().st_mode & stat.S_IWUSR] == []
    (copy / "annotations" / "alice" / "note").write_text("my work", "utf-8")
    assert demo_module.demo_corpus() == (copy, False)
    assert (copy / "annotations" / "alice" / "note").read_text("utf-8") == "my work"
    assert [p.name for p in copy.parent.iterdir()] == ["demo"]  # no work folder left


def test_open_with_no_corpus_says_where_the_copy_is(
    installed_layout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    opened: list[Path] = []
    import annotator.gui.app as app_module

    monkeypatch.setattr(app_module, "run_app", lambda path, annotator=None: opened.append(path) or 0)
    copy = demo_module.user_demo_dir()
    assert copy.is_relative_to(tmp_path / "data")
    assert main([]) == 0
    assert opened == [copy]
    assert f"copied the demo corpus to {copy}; your work on it is saved there" in capsys.readouterr().err
    assert main([]) == 0
    assert opened == [copy, copy]
    assert "copied" not in capsys.readouterr().err


def test_a_folder_in_the_way_of_the_copy_is_never_overwritten(
    installed_layout: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = demo_module.user_demo_dir()
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("not a corpus", "utf-8")
    assert main(["open"]) == 2
    assert f"annotator: {mine}: not a corpus (no corpus.json); move it away" in capsys.readouterr().err
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


def test_no_demo_anywhere_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(demo_module, "_BUNDLED", tmp_path / "annotator" / "data")
    monkeypatch.setattr(demo_module, "_CHECKOUT", tmp_path)
    assert main(["open", "--annotator", "bob"]) == 2
    assert "the demo corpus is not installed; reinstall article-annotator" in capsys.readouterr().err


def test_a_checkout_opens_its_demo_in_place() -> None:
    assert demo_module.demo_corpus() == (DEMO, False)
    assert demo_module.bundled_demo() is None


def _tree_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- CLI without Qt


def test_the_command_line_works_without_qt(tmp_path: Path) -> None:
    # A CLI-only install (README): PySide6 cannot be imported at all.
    code = (
        "import sys; sys.modules['PySide6'] = sys.modules['shiboken6'] = None\n"
        "from annotator.cli import main\n"
        f"print(main(['validate', {str(DEMO)!r}]), main(['open', {str(DEMO)!r}]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.stdout == "0 2\n", result.stderr
    assert "annotation files: no problems" in result.stderr
    assert "annotator: the desktop app needs Qt, which is not installed (PySide6" in result.stderr
    assert "pip install 'PySide6-Essentials<6.12,>=6.7'" in result.stderr
    assert "Traceback" not in result.stderr
