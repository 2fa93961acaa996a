"""``annotator sync`` through a real git: a bare remote, a lead clone and two annotator clones.

Every git here is configured by the environment alone (HOME, GIT_CONFIG_GLOBAL, identity
variables), so nothing depends on the machine's own git configuration.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from annotator.assign import load_assignments
from annotator.corpus import Corpus
from annotator.model import Span
from annotator.rejections import add_rejections
from annotator.session import DocumentSession
from annotator.sync import GITIGNORE_LINES, SyncError, sync
from tests.cli_helpers import one_line_error, run

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="sync needs git")

TEXTS = {
    "a": "Alice met Bob in Seoul.\n",
    "b": "Carol wrote to Dave from Busan.\n",
    "c": "Erin visited Frank at Incheon.\n",
    "d": "Grace called Heidi in Daegu.\n",
}


@pytest.fixture(autouse=True)
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("EMAIL", raising=False)
    identity("lead", monkeypatch)


def identity(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", name)
        monkeypatch.setenv(f"GIT_{role}_EMAIL", f"{name}@example.org")


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


def annotate(root: Path, annotator: str, doc_id: str, word: str = "") -> Path:
    """Mark the first word (or ``word``) of ``doc_id`` as PER through the session, and save."""
    corpus = Corpus.open(root)
    with corpus.lock(annotator):
        session = DocumentSession.open(corpus, annotator, doc_id)
        start = session.text.index(word) if word else 0
        end = start + (len(word) if word else session.text.index(" "))
        assert session.mark("PER", start, end) is not None
        session.set_status("in_progress")
        assert session.save()
        session.close()
    return corpus.annotation_path(annotator, doc_id)


def tracked_files(root: Path, under: str = "annotations") -> dict[str, bytes]:
    """Every file of ``under`` that git would share (tracked or addable), with its bytes."""
    names = git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", under).split("\0")
    return {n: (root / n).read_bytes() for n in names if n and (root / n).exists()}


def sync_cli(capsys: pytest.CaptureFixture[str], root: Path, *who: str) -> dict[str, object]:
    code, out, err = run(capsys, "sync", str(root), *who, "--json")
    assert code == 0, err
    return json.loads(out)


@dataclass
class Team:
    remote: Path
    lead: Path
    alice: Path
    bob: Path


@pytest.fixture
def team(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Team:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    lead = tmp_path / "lead" / "corpus"
    code, _out, err = run(capsys, "new", str(lead), "--git")
    assert code == 0, err
    git(lead, "remote", "add", "origin", str(remote))
    pages = tmp_path / "pages"
    pages.mkdir()
    for doc_id, text in TEXTS.items():
        (pages / f"{doc_id}.txt").write_text(text)
    code, _out, err = run(capsys, "import", str(lead), str(pages))
    assert code == 0, err
    code, _out, err = run(capsys, "assign", str(lead), "--annotators", "alice", "bob", "--overlap", "0.5", "--seed", "1")
    assert code == 0, err
    first = sync_cli(capsys, lead, "--lead")
    assert first["pushed"] is True and first["committed"] == 2 * len(TEXTS) + 1  # texts, metas, assignments
    clones = {}
    for name in ("alice", "bob"):
        clones[name] = tmp_path / name / "corpus"
        subprocess.run(["git", "clone", "-q", str(remote), str(clones[name])], check=True)
    return Team(remote, lead, clones["alice"], clones["bob"])


def queue(root: Path, name: str) -> list[str]:
    plan = load_assignments(Corpus.open(root))
    assert plan is not None
    return plan.annotators[name]


@pytest.mark.parametrize("order", [("alice", "bob"), ("bob", "alice")])
def test_three_clones_end_byte_identical(
    team: Team, order: tuple[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    clones = {"alice": team.alice, "bob": team.bob}
    for name, root in clones.items():
        assert (root / "assignments.json").read_bytes() == (team.lead / "assignments.json").read_bytes()
        for doc_id in queue(root, name):
            annotate(root, name, doc_id)
    first, second = order
    identity(first, monkeypatch)
    done = sync_cli(capsys, clones[first], "--annotator", first)
    assert (done["committed"], done["pulled"], done["pushed"]) == (len(queue(team.lead, first)), 0, True)
    identity(second, monkeypatch)
    done = sync_cli(capsys, clones[second], "--annotator", second)
    # The second one's commit is rebased onto the first one's: no conflict, one commit in.
    assert (done["committed"], done["pulled"], done["pushed"]) == (len(queue(team.lead, second)), 1, True)
    identity(first, monkeypatch)
    done = sync_cli(capsys, clones[first], "--annotator", first)
    assert (done["committed"], done["pulled"], done["pushed"]) == (0, 1, False)
    identity("lead", monkeypatch)
    done = sync_cli(capsys, team.lead, "--lead")
    assert (done["committed"], done["pulled"]) == (0, 2)

    every = {root: tracked_files(root) for root in (team.lead, team.alice, team.bob)}
    expected = every[team.lead]
    names = {n.split("/")[1] for n in expected if n.count("/") == 2}
    assert names == {"alice", "bob"}
    assert len([n for n in expected if n.endswith(".json")]) == len(queue(team.lead, "alice")) + len(queue(team.lead, "bob"))
    for root in (team.alice, team.bob):
        assert every[root] == expected
        assert git(root, "status", "--porcelain") == ""
        assert git(root, "rev-parse", "HEAD") == git(team.remote, "rev-parse", "main")
    # Each annotator's commit holds that annotator's files and nothing else.
    for name in ("alice", "bob"):
        commit = git(team.remote, "log", "--format=%H", f"--author={name}", "main").split()
        assert len(commit) == 1
        files = git(team.remote, "show", "--name-only", "--format=", commit[0]).split()
        assert files and all(f.startswith(f"annotations/{name}/") for f in files)


def test_never_commits_another_annotators_files(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bob_doc, other_bob_doc = queue(team.bob, "bob")[:2]
    annotate(team.bob, "bob", bob_doc)
    identity("bob", monkeypatch)
    sync_cli(capsys, team.bob, "--annotator", "bob")
    identity("alice", monkeypatch)
    sync_cli(capsys, team.alice, "--annotator", "alice")  # pulls bob's file
    bobs = team.alice / "annotations" / "bob" / f"{bob_doc}.json"
    original = bobs.read_bytes()
    # Bob works on; meanwhile alice's clone holds a changed, staged copy of bob's file and a
    # stray new file of his, and runtime files of her own that stay on her machine.
    annotate(team.bob, "bob", other_bob_doc)
    identity("bob", monkeypatch)
    sync_cli(capsys, team.bob, "--annotator", "bob")
    annotate(team.alice, "bob", bob_doc, word=TEXTS[bob_doc].split()[1])
    git(team.alice, "add", f"annotations/bob/{bob_doc}.json")
    changed = bobs.read_bytes()
    assert changed != original
    stray = team.alice / "annotations" / "bob" / "stray.json"
    stray.write_text("{}\n")
    mine = annotate(team.alice, "alice", queue(team.alice, "alice")[0])
    own = team.alice / "annotations" / "alice"
    (own / ".conflicts").mkdir()
    (own / ".conflicts" / "x.theirs.json").write_text("{}\n")
    (own / ".journal").mkdir(exist_ok=True)
    (own / ".journal" / "x.jsonl.tmp").write_text("")
    (own / ".x.json.abcd.tmp").write_text("")
    text = TEXTS[mine.stem]
    span = Span(id="s1", start=0, end=5, label="LOC", text=text[:5])
    rejected, added = add_rejections(Corpus.open(team.alice), "alice", mine.stem, text, [span])
    assert added == 1

    identity("alice", monkeypatch)
    done = sync_cli(capsys, team.alice, "--annotator", "alice")
    assert (done["committed"], done["pulled"], done["pushed"]) == (2, 1, True)
    committed = git(team.alice, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(committed) == sorted([f"annotations/alice/{mine.name}", f"annotations/alice/.rejected/{rejected.name}"])
    # Bob's file on the remote is bob's; alice's copy stays changed and staged, the stray
    # stays untracked, bob's new work came in.
    assert git(team.remote, "show", f"main:annotations/bob/{bob_doc}.json").encode() == original
    assert bobs.read_bytes() == changed
    status = git(team.alice, "status", "--porcelain", "--", "annotations")
    assert status.splitlines() == [f"M  annotations/bob/{bob_doc}.json", "?? annotations/bob/stray.json"]
    assert (team.alice / "annotations" / "bob" / f"{other_bob_doc}.json").is_file()
    assert "stray.json" not in git(team.remote, "ls-tree", "-r", "--name-only", "main")

    # Bob changes that same file again: alice's clone cannot pull over her stray change, so
    # sync stops before committing anything and leaves everything as it was.
    annotate(team.bob, "bob", bob_doc, word=TEXTS[bob_doc].split()[2])
    identity("bob", monkeypatch)
    sync_cli(capsys, team.bob, "--annotator", "bob")
    annotate(team.alice, "alice", queue(team.alice, "alice")[1])
    head = git(team.alice, "rev-parse", "HEAD")
    status = git(team.alice, "status", "--porcelain")
    code, _out, err = run(capsys, "sync", str(team.alice), "--annotator", "alice")
    assert code == 1
    line = one_line_error(err)
    assert f"annotations/bob/{bob_doc}.json changed here, not yours to sync, and changed on the remote too" in line
    assert git(team.alice, "rev-parse", "HEAD") == head
    assert git(team.alice, "status", "--porcelain") == status
    assert bobs.read_bytes() == changed


def test_conflict_on_a_lead_file_aborts_and_restores(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (team.lead / "guidelines.md").write_text("# Guidelines\n\n## PER\n\nA person.\n")
    sync_cli(capsys, team.lead, "--lead")
    git(team.alice, "pull", "-q")  # a second lead working from the alice clone
    (team.lead / "guidelines.md").write_text("# Guidelines\n\n## PER\n\nA person, by name.\n")
    sync_cli(capsys, team.lead, "--lead")
    mine = "# Guidelines\n\n## PER\n\nA real person.\n"
    (team.alice / "guidelines.md").write_text(mine)
    annotate(team.alice, "alice", queue(team.alice, "alice")[0])  # uncommitted work, untouched
    head = git(team.alice, "rev-parse", "HEAD")
    status = git(team.alice, "status", "--porcelain")
    remote_head = git(team.remote, "rev-parse", "main")

    code, out, err = run(capsys, "sync", str(team.alice), "--lead", "--json")
    assert code == 1
    line = one_line_error(err)
    assert "sync stopped: the remote changed the same file as this clone (guidelines.md)" in line
    assert json.loads(out)["error"]["code"] == "corpus"
    assert git(team.alice, "rev-parse", "HEAD") == head
    assert git(team.alice, "status", "--porcelain") == status
    assert (team.alice / "guidelines.md").read_text() == mine
    gitdir = team.alice / ".git"
    assert not (gitdir / "rebase-merge").exists() and not (gitdir / "rebase-apply").exists()
    assert git(team.alice, "diff", "--name-only", "--diff-filter=U") == ""
    assert git(team.remote, "rev-parse", "main") == remote_head


def test_refuses_while_the_app_is_open_or_edits_are_unsaved(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = Corpus.open(team.alice)
    doc_id = queue(team.alice, "alice")[0]
    lock = corpus.lock("alice").acquire()
    try:
        code, _out, err = run(capsys, "sync", str(team.alice), "--annotator", "alice")
        assert code == 1
        line = one_line_error(err)
        assert f"the files of 'alice' are being edited by process {os.getpid()}" in line
        assert line.endswith("save your work and close that app first, then sync")
        # An edit journaled, not saved (the app was killed).
        session = DocumentSession.open(corpus, "alice", doc_id)
        session.mark("PER", 0, 5)
        session.close()
    finally:
        lock.release()
    head = git(team.alice, "rev-parse", "HEAD")
    code, _out, err = run(capsys, "sync", str(team.alice), "--annotator", "alice")
    assert code == 1
    assert f"unsaved edits of 'alice' in {doc_id}" in one_line_error(err)
    assert git(team.alice, "rev-parse", "HEAD") == head
    # The app's next start restores and saves them; then sync goes through.
    with corpus.lock("alice"):
        restored = DocumentSession.open(corpus, "alice", doc_id)
        assert restored.recovery is not None and restored.recovery.outcome == "restored"
        restored.close()
    done = sync_cli(capsys, team.alice, "--annotator", "alice")
    assert (done["committed"], done["pushed"]) == (1, True)


def test_no_remote_commits_locally_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "solo"
    assert run(capsys, "new", str(root), "--git")[0] == 0
    page = tmp_path / "p.txt"
    page.write_text(TEXTS["a"])
    assert run(capsys, "import", str(root), str(page))[0] == 0
    annotate(root, "alice", "p")
    code, out, err = run(capsys, "sync", str(root), "--annotator", "alice", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert (result["committed"], result["pushed"], result["remote"]) == (1, False, None)
    assert "no remote: committed locally only" in err
    assert git(root, "show", "--name-only", "--format=", "HEAD").split() == ["annotations/alice/p.json"]
    # The documents are the lead's: still uncommitted.
    assert git(root, "status", "--porcelain", "--", "documents").splitlines() == ["?? documents/p.meta.json", "?? documents/p.txt"]


def test_new_git_writes_the_gitignore_and_a_first_commit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "c"
    code, _out, err = run(capsys, "new", str(root), "--git")
    assert code == 0, err
    assert (root / ".gitignore").read_text().splitlines() == list(GITIGNORE_LINES)
    assert (root / ".gitattributes").read_text().splitlines()[-1] == "* -text"
    assert git(root, "status", "--porcelain") == ""
    assert sorted(git(root, "ls-files").split()) == [
        ".gitattributes", ".gitignore", "annotations/.gitkeep", "corpus.json", "documents/.gitkeep", "gold/.gitkeep",
        "guidelines.md",
    ]
    # Runtime files of a running app are ignored.
    corpus = Corpus.open(root)
    with corpus.lock("alice"):
        assert (root / "annotations" / "alice" / ".lock.owner").is_file()
        assert git(root, "status", "--porcelain", "--untracked-files=all") == ""


def test_missing_git_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "c"
    assert run(capsys, "new", str(root), "--git")[0] == 0
    empty = tmp_path / "no-git"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    code, out, err = run(capsys, "sync", str(root), "--lead", "--json")
    assert code == 2
    assert "git is not installed (not found on PATH): syncing needs the git command" in one_line_error(err)
    assert json.loads(out)["error"]["code"] == "usage"
    code, _out, err = run(capsys, "new", str(tmp_path / "other"), "--git")
    assert code == 2
    assert "git is not installed" in one_line_error(err)
    assert not (tmp_path / "other").exists()


def test_no_git_identity_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "c"
    assert run(capsys, "new", str(root), "--git")[0] == 0
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.delenv(f"GIT_{role}_NAME")
        monkeypatch.delenv(f"GIT_{role}_EMAIL")
    code, _out, err = run(capsys, "sync", str(root), "--annotator", "alice")
    assert code == 2
    assert "git does not know who you are (no user.name / user.email)" in one_line_error(err)
    # The repository's own config counts.
    git(root, "config", "user.name", "Alice")
    git(root, "config", "user.email", "alice@example.org")
    assert sync(root, "alice").messages[0] == "nothing to commit for alice"


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "c"
    assert run(capsys, "new", str(root))[0] == 0  # no --git
    code, _out, err = run(capsys, "sync", str(root), "--lead")
    assert code == 2
    assert "not a git repository: make it one with `annotator new CORPUS --git`" in one_line_error(err)
    code, _out, err = run(capsys, "sync", str(root), "--annotator", "gold")
    assert code == 2
    assert "'gold' files are the lead's: sync them with --lead" in one_line_error(err)
    code, _out, _err = run(capsys, "sync", str(root))
    assert code == 2  # argparse: one of --annotator / --lead
    with pytest.raises(SyncError, match="say whose files"):
        sync(root, "alice", lead=True)


def test_a_repository_made_by_hand_never_gets_runtime_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "c"
    assert run(capsys, "new", str(root))[0] == 0
    git(root, "init", "-q")  # no .gitignore of ours
    page = tmp_path / "p.txt"
    page.write_text(TEXTS["a"])
    assert run(capsys, "import", str(root), str(page))[0] == 0
    annotate(root, "alice", "p")
    result = sync(root, "alice")
    # Not the owner note of the lock sync itself held, nor the import's lock.
    assert result.committed == 1
    assert git(root, "ls-files").split() == ["annotations/alice/p.json"]
    assert ".lock.owner" in (root / ".git" / "info" / "exclude").read_text().splitlines()
    # corpus.json, guidelines.md, the text and its meta
    assert sync(root, lead=True).committed == 4
    assert "documents/.import.lock" not in git(root, "ls-files").split()


def test_new_git_in_a_clone_of_the_teams_empty_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The lead makes an empty repository on the host, clones it, and makes the corpus in the
    clone: its `.git` does not make the folder "not empty", and the first sync pushes."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(tmp_path, "clone", "-q", str(remote), "lead")
    root = tmp_path / "lead"
    code, _out, err = run(capsys, "new", str(root), "--git")
    assert code == 0, err
    assert git(root, "remote").split() == ["origin"]  # the clone's own repository, kept
    assert "guidelines.md" in git(root, "ls-files").split()
    result = sync_cli(capsys, root, "--lead")
    assert result["pushed"] is True
    assert git(remote, "ls-tree", "-r", "--name-only", "HEAD").split() == git(root, "ls-files").split()
    # Without --git, a folder holding a repository is not an empty folder.
    other = tmp_path / "other"
    git(tmp_path, "init", "-q", str(other))
    code, _out, err = run(capsys, "new", str(other))
    assert code == 2 and "not empty" in err
    assert sorted(p.name for p in other.iterdir()) == [".git"]
