"""Every test keeps its node id when the suite is collected twice in one process.

mutmut's harness collects the suite, then runs the tests a mutant needs by node id in the same
process. pytest 9 escapes a non-ASCII explicit id in place ("¿ after a letter" becomes
"\\xbf after a letter", then "\\\\xbf after a letter"), so the second collection names such a
test differently, the run stops on "not found" and the mutation sample cannot be measured.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent(
    """
    import contextlib, io, sys
    import pytest

    class Ids:
        def __init__(self):
            self.ids = []

        def pytest_collection_modifyitems(self, items):
            self.ids = [item.nodeid for item in items]

    def collect():
        ids = Ids()
        with contextlib.redirect_stdout(io.StringIO()):
            pytest.main(["--collect-only", "-qqq", "-p", "no:cacheprovider", "tests/",
                         "--ignore=tests/gui", "--ignore=tests/bench"], plugins=[ids])
        return ids.ids

    first, second = collect(), collect()
    assert first, "nothing collected"
    for node in sorted(set(first) ^ set(second)):
        print(node)
    """
)


def test_node_ids_are_the_same_in_a_second_collection() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == "", "ids that change between two collections:\n" + result.stdout
