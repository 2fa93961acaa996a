"""Build hook: put the demo corpus and the JSON Schemas inside the wheel (docs/adr/0020).

They live at the top of the repository (``corpora/demo``, ``schemas/``), where the tests,
``tools/build_demo_corpus.py`` and ``annotator schema`` expect them. A wheel holds only
packages, so ``build_py`` copies them to ``annotator/data/demo`` and
``annotator/data/schemas`` in the build; :mod:`annotator.demo` finds them there after a plain
install, and in the checkout otherwise. Everything else is in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent

#: Source folder in the repository -> folder inside the built package.
BUNDLED: dict[str, str] = {
    "corpora/demo": "annotator/data/demo",
    "schemas": "annotator/data/schemas",
}

#: Never shipped: what an open app or an interrupted write leaves in a corpus (``.lock``,
#: ``.lock.owner``, ``.save.lock``, ``.journal/``, ``.NAME.XXXX.tmp``: all dot files), caches.
_IGNORE = shutil.ignore_patterns(".*", "__pycache__")


class BuildPyWithData(build_py):
    def run(self) -> None:
        super().run()
        # An editable install runs the checkout in place, which has the folders already.
        if getattr(self, "editable_mode", False):
            return
        for source, target in BUNDLED.items():
            origin = HERE / source
            if not (origin / ".").is_dir():
                raise SystemExit(f"setup.py: {origin}: missing; the wheel must ship it (ADR 0020)")
            destination = Path(self.build_lib) / target
            shutil.rmtree(destination, ignore_errors=True)
            shutil.copytree(origin, destination, ignore=_IGNORE)


setup(cmdclass={"build_py": BuildPyWithData})
