"""Sharing a corpus through git: one remote per corpus, each person commits only their own files.

``annotator sync`` (and the app, later) runs the ``git`` command: a requirement for syncing
only, so everything else works without git. Nothing here imports Qt.

What each person commits (a contract, see the README "Working as a team"):

- an annotator (``annotator=NAME``): ``annotations/NAME/`` (with its ``.rejected/``), nothing
  of anybody else, whatever else is changed or staged in the clone;
- the lead (``lead=True``): ``documents/``, ``corpus.json`` (and a scheme file it names inside
  the corpus), ``assignments.json``, ``guidelines.md``, ``gold/``, ``annotations/suggestions/``
  and the git set-up files ``init_repository`` writes.

Per-annotator files mean two annotators never change the same file, so their syncs never
conflict; a conflict is two clones changing a lead file, or one annotator's files from two
machines. Then sync stops before anything is half merged: the rebase is aborted, the commit
it made is undone (HEAD and the index are what they were; the working tree was never
touched), and the error names the files.

``sync`` = ``git add`` of those paths, ``git commit``, then what ``git pull --rebase`` does in
two steps (``git fetch``, ``git rebase`` onto the remote branch, only when it moved: so sync
knows what came in) and ``git push``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from annotator.corpus import AnnotatorLock, Corpus, CorpusError, LockedError, atomic_write_bytes
from annotator.journal import JOURNAL_DIR, read_journal
from annotator.model import GOLD, RESERVED_ANNOTATORS, SUGGESTIONS, is_valid_name

#: Written by :func:`init_repository`: what stays on each machine. Each line names where the
#: code that writes it lives, so that a new runtime file is added here too.
GITIGNORE_LINES: tuple[str, ...] = (
    "# Written by `annotator new --git`: files that stay on this machine.",
    "# The lock of a running app (annotator.corpus.AnnotatorLock, save_lock): its owner note,",
    "# and the lock files used where folders cannot be locked (Windows, some network shares).",
    ".lock",
    ".lock.owner",
    ".save.lock",
    "# The lock of a running import (annotator.importers).",
    ".import.lock",
    "# Unsaved edits of an open app (annotator.journal), replayed at its next start.",
    ".journal/",
    "# Both sides of a conflict, kept on this machine (annotator.conflicts).",
    ".conflicts/",
    "# Atomic-write temporaries (.NAME.XXXX.tmp) a killed process may leave.",
    "*.tmp",
    "# Export staging and set-aside folders (annotator.export.output). Exports and reports",
    "# are refused inside a corpus (annotator.outputs), so these appear only if moved here.",
    ".*.partial/",
    ".*.old/",
    ".records.spool",
    "# The extractors' text of each page, kept by suggest and train (annotator.suggest.extracted):",
    "# derived data, made again on each machine as needed.",
    ".cache/",
    "# Desktop clutter.",
    ".DS_Store",
    "Thumbs.db",
    "desktop.ini",
)

#: No line-ending conversion, ever: a document's text is hashed byte for byte
#: (``text_sha256``), so a Windows clone with ``core.autocrlf`` must get the same bytes.
GITATTRIBUTES_LINES: tuple[str, ...] = (
    "# Written by `annotator new --git`: files are stored and checked out byte for byte",
    "# (document texts are hashed; a CRLF conversion would break every annotation).",
    "* -text",
)

#: Empty folders of the layout, kept in git so that a fresh clone has the whole layout.
KEEP_FILE = ".gitkeep"
KEPT_FOLDERS = ("documents", "annotations", "gold")

#: The lead's files, relative to the corpus (a scheme file named by corpus.json is added).
LEAD_PATHS: tuple[str, ...] = (
    "corpus.json",
    "documents",
    "assignments.json",
    "guidelines.md",
    "gold",
    f"annotations/{SUGGESTIONS}",
    f"annotations/{KEEP_FILE}",
    ".gitignore",
    ".gitattributes",
)

#: A push refused because the remote moved meanwhile is retried (fetch, rebase, push) this often.
PUSH_ATTEMPTS = 3

_GIT_HELP = "https://git-scm.com/downloads"


class SyncError(CorpusError):
    """Sync could not run, or stopped; the message says what happened and what to do.

    ``usage``: the set-up is wrong (no git, no identity, not a repository, a bad name): the
    command's exit code 2. Otherwise a refusal or a stop (exit 1). ``result``: what was done
    before the stop, when anything was (a local commit whose push failed).
    """

    def __init__(
        self, path: Path | str, message: str, *, usage: bool = False, result: SyncResult | None = None
    ) -> None:
        super().__init__(path, message)
        self.usage = usage
        self.result = result


@dataclass
class SyncResult:
    """What one sync did."""

    #: The annotator's name, or "lead".
    who: str
    #: Files in the commit made (0: nothing to commit).
    committed: int = 0
    #: That commit's id.
    commit: str | None = None
    #: Commits that came in from the remote.
    pulled: int = 0
    #: Whether the remote branch now holds our commits (False: nothing to push, or no remote).
    pushed: bool = False
    #: ``REMOTE/BRANCH`` synced with, None without a remote.
    remote: str | None = None
    messages: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "ok": True,
            "who": self.who,
            "committed": self.committed,
            "commit": self.commit,
            "pulled": self.pulled,
            "pushed": self.pushed,
            "remote": self.remote,
            "messages": list(self.messages),
        }


# --------------------------------------------------------------------------- running git


def find_git(path: Path | str) -> str:
    """The ``git`` executable, or SyncError (usage) saying that sync needs it."""
    exe = shutil.which("git")
    if exe is None:
        raise SyncError(path, f"git is not installed (not found on PATH): syncing needs the git command ({_GIT_HELP})", usage=True)
    return exe


class _Git:
    """``git`` run in one folder, its output captured; errors carry git's own words."""

    def __init__(self, exe: str, cwd: Path, report_path: Path) -> None:
        self.exe = exe
        self.cwd = cwd
        self.report_path = report_path
        env = dict(os.environ)
        # Never wait for an editor, and take every path we give literally (names are
        # plain, but a file name is not a pattern).
        env.update({"GIT_EDITOR": "true", "GIT_MERGE_AUTOEDIT": "no", "GIT_LITERAL_PATHSPECS": "1"})
        self.env = env

    def run(self, *args: str, input: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        try:
            done = subprocess.run(
                [self.exe, *args], cwd=self.cwd, env=self.env, input=input,
                capture_output=True, check=False,
            )
        except FileNotFoundError as exc:  # removed since find_git
            raise SyncError(self.report_path, f"git cannot be run ({exc.strerror}): syncing needs the git command ({_GIT_HELP})", usage=True) from exc
        if check and done.returncode != 0:
            raise SyncError(self.report_path, f"git {args[0]} failed: {git_said(done)}")
        return done

    def out(self, *args: str) -> str:
        return self.run(*args).stdout.decode("utf-8", "replace").strip()

    def ok(self, *args: str) -> bool:
        return self.run(*args, check=False).returncode == 0

    def names(self, *args: str, input: bytes | None = None) -> list[str]:
        """NUL-separated file names that ``args`` (given ``-z``) print."""
        data = self.run(*args, input=input).stdout
        return [os.fsdecode(n) for n in data.split(b"\0") if n]


def git_said(done: subprocess.CompletedProcess[bytes]) -> str:
    """The telling line of what git printed on failing: its first error, else its last line."""
    text = (done.stderr or b"").decode("utf-8", "replace") + (done.stdout or b"").decode("utf-8", "replace")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            return line
    return lines[-1] if lines else f"exit code {done.returncode}"


def _identity_problem(git: _Git) -> str | None:
    """Why git cannot name who commits, if it cannot; ``useConfigOnly`` so that a made-up
    ``user@host`` address never goes into a team's history unnoticed."""
    for kind in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
        done = git.run("-c", "user.useConfigOnly=true", "var", kind, check=False)
        if done.returncode != 0:
            return (
                "git does not know who you are (no user.name / user.email): run "
                '`git config --global user.name "Your Name"` and '
                '`git config --global user.email you@example.com`, then try again'
            )
    return None


def check_ready(path: Path | str, cwd: Path | str | None = None) -> str:
    """Raise SyncError (usage) unless git is installed and knows who commits; returns git's path.
    ``cwd``: a folder whose repository's own config counts too (default: ``path``)."""
    exe = find_git(path)
    folder = Path(cwd if cwd is not None else path)
    problem = _identity_problem(_Git(exe, folder if folder.is_dir() else Path.cwd(), Path(path)))
    if problem:
        raise SyncError(path, problem, usage=True)
    return exe


def _toplevel(git: _Git) -> Path | None:
    done = git.run("rev-parse", "--show-toplevel", check=False)
    if done.returncode != 0:
        return None
    return Path(os.fsdecode(done.stdout.strip()))


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


# --------------------------------------------------------------------------- init


def _merged_lines(path: Path, lines: Sequence[str]) -> bytes | None:
    """The content ``path`` should have: ``lines`` for a new file; for an existing one, its
    own lines kept and those of ``lines`` it lacks added at the end (None: none lacking)."""
    try:
        old = path.read_text("utf-8")
    except FileNotFoundError:
        return ("\n".join(lines) + "\n").encode("utf-8")
    have = {line.strip() for line in old.splitlines()}
    block = [line for line in lines if not line.startswith("#") and line not in have]
    if not block:
        return None
    sep = "" if old.endswith("\n") or not old else "\n"
    return (old + sep + "# Added by `annotator new --git`:\n" + "\n".join(block) + "\n").encode("utf-8")


def _default_branch(git: _Git) -> str:
    done = git.run("config", "--get", "init.defaultBranch", check=False)
    name = done.stdout.decode("utf-8", "replace").strip()
    return name or "main"


def init_repository(root: Path | str, message: str | None = None) -> list[str]:
    """Make the corpus at ``root`` a git repository ready for a team, and commit it.

    Runs ``git init`` unless ``root`` is already the top of a repository (a clone), writes
    ``.gitignore`` (runtime files: locks, journals, conflict copies, temporaries, staging
    folders) and ``.gitattributes`` (no line-ending conversion), keeps the layout's empty
    folders with a ``.gitkeep``, and commits everything the corpus holds. An existing
    ``.gitignore`` keeps its lines; ours are added. Returns what it did, as messages.
    """
    root = Path(root)
    if not (root / "corpus.json").is_file():
        raise SyncError(root, "not a corpus (no corpus.json); create one with `annotator new`", usage=True)
    exe = check_ready(root)
    git = _Git(exe, root, root)
    messages: list[str] = []
    top = _toplevel(git)
    if top is None or not _same_folder(top, root):
        # A corpus is its own repository (one remote per corpus), even inside another one.
        git.run("init", "-q", "-b", _default_branch(git))
        messages.append(f"made {root} a git repository")
    for name, lines in ((".gitignore", GITIGNORE_LINES), (".gitattributes", GITATTRIBUTES_LINES)):
        content = _merged_lines(root / name, lines)
        if content is not None:
            atomic_write_bytes(root / name, content)
            messages.append(f"wrote {name}")
    for folder in KEPT_FOLDERS:
        keep = root / folder / KEEP_FILE
        if not keep.exists():
            atomic_write_bytes(keep, b"")
    git.run("add", "-A", "--", ".")
    if git.run("diff", "--cached", "--quiet", check=False).returncode != 0:
        corpus = Corpus.open(root)
        git.run("commit", "-q", "-m", message or f"annotator: corpus {corpus.manifest.name}")
        messages.append(f"committed the corpus ({git.out('rev-parse', '--short', 'HEAD')})")
    else:
        messages.append("nothing new to commit")
    return messages


# --------------------------------------------------------------------------- sync


@dataclass
class _Before:
    """What HEAD and the index were before the sync: restored when it stops."""

    head: str | None
    index_tree: str
    branch: str
    gitdir: Path


def sync(
    root: Path | str,
    annotator: str | None = None,
    *,
    lead: bool = False,
    message: str | None = None,
) -> SyncResult:
    """Commit ``annotator``'s files (or, with ``lead``, the lead's), pull with rebase, push.

    Refuses (SyncError) while that annotator's files are open in an app (their lock is
    held) or a journal holds unsaved edits, and holds that lock itself meanwhile, so that
    no app opens them halfway. With no remote it commits locally and says so. On a
    conflict it restores HEAD and the index as they were and names the files; the working
    tree is never left half merged.
    """
    root = Path(root)
    if lead == (annotator is not None):
        raise SyncError(root, "say whose files to sync: --annotator NAME, or --lead", usage=True)
    if annotator is not None:
        if not is_valid_name(annotator):
            raise SyncError(root, f"{annotator!r} is not a valid annotator name (letters, digits, '.', '_', '-')", usage=True)
        if annotator in RESERVED_ANNOTATORS:
            raise SyncError(root, f"{annotator!r} files are the lead's: sync them with --lead", usage=True)
    corpus = Corpus.open(root)
    exe = check_ready(root)
    git = _Git(exe, root, root)
    top = _toplevel(git)
    if top is None:
        raise SyncError(
            root, "not a git repository: make it one with `annotator new CORPUS --git` (a new corpus) or "
            "clone the team's repository", usage=True,
        )
    git.cwd = top
    prefix = _prefix(top, root)
    who = annotator if annotator is not None else "lead"
    # The lead's editing lock is gold's (the review app); an annotator's is their folder's.
    locked = GOLD if lead else annotator
    assert locked is not None
    with _editing_lock(corpus, locked, root):
        _refuse_unsaved(corpus, locked, root)
        paths = _lead_paths(corpus) if lead else [f"annotations/{annotator}"]
        return _sync_paths(git, root, who, [prefix + p for p in paths], message)


def _prefix(top: Path, root: Path) -> str:
    """``root`` relative to the repository's top, as git writes paths ("" or "sub/dir/")."""
    rel = os.path.relpath(os.path.realpath(root), os.path.realpath(top))
    return "" if rel == "." else rel.replace(os.sep, "/") + "/"


@contextlib.contextmanager
def _editing_lock(corpus: Corpus, who: str, root: Path) -> Iterator[AnnotatorLock]:
    lock = corpus.lock(who)
    try:
        lock.acquire()
    except LockedError as exc:
        # LockedError says who holds it: "the files of 'alice' are being edited by process
        # 123 on host (since ...); close that window or process first".
        holder = exc.message.split(";")[0]
        raise SyncError(root, f"{holder}: save your work and close that app first, then sync") from exc
    try:
        yield lock
    finally:
        lock.release()


def _refuse_unsaved(corpus: Corpus, who: str, root: Path) -> None:
    """Journals with changes are edits no save has written: syncing now would leave them out."""
    folder = corpus.annotator_dir(who) / JOURNAL_DIR
    try:
        names = sorted(e.name for e in os.scandir(folder) if e.name.endswith(".jsonl"))
    except FileNotFoundError:
        return
    unsaved = []
    for name in names:
        try:
            _header, entries = read_journal(folder / name)
        except CorpusError:
            unsaved.append(name[: -len(".jsonl")])  # unreadable: not ours to decide it is empty
            continue
        if entries:
            unsaved.append(name[: -len(".jsonl")])
    if unsaved:
        shown = ", ".join(unsaved[:5]) + (f" and {len(unsaved) - 5} more" if len(unsaved) > 5 else "")
        raise SyncError(
            root, f"unsaved edits of {who!r} in {shown} (journals in {folder}): open the app on this corpus "
            "as that annotator to save them (it restores them), close it, then sync",
        )


def _lead_paths(corpus: Corpus) -> list[str]:
    paths = list(LEAD_PATHS)
    scheme = corpus.manifest.scheme
    if isinstance(scheme, str):
        real = Path(os.path.realpath(corpus.root / scheme))
        with contextlib.suppress(ValueError):
            rel = real.relative_to(os.path.realpath(corpus.root)).as_posix()
            if not rel.startswith(("annotations/", "documents/", "gold/")):
                paths.append(rel)
    return paths


def _existing(git: _Git, paths: Sequence[str]) -> list[str]:
    """The paths that are on disk or tracked: ``git add`` refuses a pathspec matching nothing."""
    present = [p for p in paths if os.path.lexists(git.cwd / p)]
    missing = [p for p in paths if p not in present]
    if missing:
        tracked = git.names("ls-files", "-z", "--", *missing)
        present += [p for p in missing if any(t == p or t.startswith(p + "/") for t in tracked)]
    return present


def _sync_paths(git: _Git, root: Path, who: str, paths: list[str], message: str | None) -> SyncResult:
    result = SyncResult(who)
    before = _state_before(git, root)
    _ensure_excludes(root, before.gitdir)
    ours = _existing(git, paths)
    # 1. Commit ours, and only ours.
    if ours:
        git.run("add", "-A", "--", *ours)
    staged = git.names("diff", "--cached", "--name-only", "--no-renames", "-z")
    mine = [n for n in staged if _under(n, ours)]
    if mine:
        text = message or f"annotator sync: {who} ({len(mine)} file{'s' * (len(mine) != 1)})"
        try:
            if len(mine) == len(staged):
                git.run("commit", "-q", "-m", text)
            else:
                # Someone staged other files here (another annotator's?): a partial commit
                # of our files alone; theirs stay staged and uncommitted.
                listing = b"\0".join(os.fsencode(n) for n in mine) + b"\0"
                git.run("commit", "-q", "-m", text, "--pathspec-from-file=-", "--pathspec-file-nul", input=listing)
        except SyncError:
            _restore(git, before)
            raise
        result.committed = len(mine)
        result.commit = git.out("rev-parse", "HEAD")
        result.messages.append(f"committed {len(mine)} file{'s' * (len(mine) != 1)} of {who}")
    else:
        result.messages.append(f"nothing to commit for {who}")
    # 2. Pull (fetch + rebase) and push.
    target = _remote_branch(git, root, before.branch)
    if target is None:
        done = "committed locally only" if mine else "nothing to pull or push"
        result.messages.append(
            f"no remote: {done}; add the team's with `git -C {root} remote add origin URL`, then sync again"
        )
        return result
    remote, branch = target
    result.remote = f"{remote}/{branch}"
    for attempt in range(PUSH_ATTEMPTS):
        tracking = _fetch(git, root, remote, branch, result)
        ahead = _pull(git, root, tracking, before, result)
        if result.commit is not None:  # rebased onto what came in: a new id
            result.commit = git.out("rev-parse", "HEAD")
        if not ahead:
            result.messages.append(f"nothing to push: {result.remote} has everything")
            return result
        push = git.run("push", "-q", *([] if _has_upstream(git, before.branch) else ["-u"]),
                       remote, f"HEAD:refs/heads/{branch}", check=False)
        if push.returncode == 0:
            result.pushed = True
            result.messages.append(f"pushed to {result.remote}")
            return result
        # Refused because someone pushed meanwhile: fetch, rebase and push again. Any other
        # refusal (no access, no network) keeps the commit here for the next sync.
        if attempt + 1 == PUSH_ATTEMPTS or not _remote_moved(git, remote, branch, tracking):
            raise SyncError(
                root, f"{_done_so_far(result)}; push to {result.remote} failed: {git_said(push)}; "
                "your commit stays here and the next sync pushes it", result=result,
            )
    raise AssertionError("unreachable")


def _under(name: str, paths: Iterable[str]) -> bool:
    return any(name == p or name.startswith(p + "/") for p in paths)


def _done_so_far(result: SyncResult) -> str:
    if result.committed:
        return f"committed {result.committed} file{'s' * (result.committed != 1)} of {result.who} locally"
    return "nothing was committed"


def _state_before(git: _Git, root: Path) -> _Before:
    gitdir = Path(git.out("rev-parse", "--absolute-git-dir"))
    for marker, what in (
        ("rebase-merge", "a rebase"), ("rebase-apply", "a rebase"), ("MERGE_HEAD", "a merge"),
        ("CHERRY_PICK_HEAD", "a cherry-pick"), ("REVERT_HEAD", "a revert"),
    ):
        if (gitdir / marker).exists():
            raise SyncError(root, f"{what} is under way in this repository: finish or abort it with git first, then sync")
    branch_ref = git.run("symbolic-ref", "-q", "HEAD", check=False)
    if branch_ref.returncode != 0:
        raise SyncError(root, "git is not on a branch (detached HEAD): check out the team's branch (git switch main), then sync")
    branch = branch_ref.stdout.decode().strip().removeprefix("refs/heads/")
    head = git.run("rev-parse", "-q", "--verify", "HEAD", check=False)
    tree = git.run("write-tree", check=False)
    if tree.returncode != 0:
        raise SyncError(root, f"the git index has unresolved conflicts ({git_said(tree)}): resolve them with git first")
    return _Before(head.stdout.decode().strip() or None, tree.stdout.decode().strip(), branch, gitdir)


def _ensure_excludes(root: Path, gitdir: Path) -> None:
    """A repository made by hand (``git init``, not ``annotator new --git``) may lack our
    ignore rules: then they go into its local ``info/exclude``, so that sync never commits a
    lock, a journal or a conflict copy (the lock it holds itself included)."""
    try:
        have = {line.strip() for line in (root / ".gitignore").read_text("utf-8").splitlines()}
    except (OSError, UnicodeDecodeError):
        have = set()
    rules = [line for line in GITIGNORE_LINES if not line.startswith("#")]
    if all(rule in have for rule in rules):
        return
    exclude = gitdir / "info" / "exclude"
    content = _merged_lines(exclude, GITIGNORE_LINES)
    if content is not None:
        atomic_write_bytes(exclude, content)


def _restore(git: _Git, before: _Before) -> None:
    """HEAD and the index as they were before the sync (the working tree is as it was)."""
    if before.head is None:
        git.run("update-ref", "-d", "HEAD", check=False)
    else:
        git.run("reset", "-q", "--soft", before.head)
    # One-tree merge: keeps the stat data of unchanged entries (no re-hash of the corpus).
    git.run("read-tree", "-m", before.index_tree)


def _remote_branch(git: _Git, root: Path, branch: str) -> tuple[str, str] | None:
    """The remote and branch to sync with: the branch's upstream, else ``origin`` (or the
    only remote) and a branch of the same name; None when there is no remote."""
    config = git.run("config", "--get-regexp", r"^(remote\..*\.url|branch\..*\.(remote|merge))$", check=False)
    remotes: list[str] = []
    upstream_remote = upstream_merge = None
    for line in config.stdout.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(" ")
        if key.startswith("remote.") and key.endswith(".url"):
            remotes.append(key[len("remote."):-len(".url")])
        elif key == f"branch.{branch}.remote":
            upstream_remote = value
        elif key == f"branch.{branch}.merge":
            upstream_merge = value
    if upstream_remote and upstream_merge and upstream_remote != ".":
        return upstream_remote, upstream_merge.removeprefix("refs/heads/")
    if not remotes:
        return None
    if "origin" in remotes:
        return "origin", branch
    if len(remotes) == 1:
        return remotes[0], branch
    raise SyncError(
        root, f"several remotes ({', '.join(remotes)}) and no upstream for {branch!r}: "
        f"choose one with `git branch --set-upstream-to REMOTE/{branch}`", usage=True,
    )


def _has_upstream(git: _Git, branch: str) -> bool:
    return git.ok("config", "--get", f"branch.{branch}.merge")


def _fetch(git: _Git, root: Path, remote: str, branch: str, result: SyncResult) -> str | None:
    """Fetch ``branch``; the id it points at on the remote (None: the remote has no such branch yet)."""
    done = git.run("fetch", "-q", remote, check=False)
    if done.returncode != 0:
        raise SyncError(
            root, f"{_done_so_far(result)}; could not fetch from {remote}: {git_said(done)}", result=result
        )
    ref = git.run("rev-parse", "-q", "--verify", f"refs/remotes/{remote}/{branch}^{{commit}}", check=False)
    return ref.stdout.decode().strip() or None


def _remote_moved(git: _Git, remote: str, branch: str, tracking: str | None) -> bool:
    if not git.ok("fetch", "-q", remote):
        return False
    ref = git.run("rev-parse", "-q", "--verify", f"refs/remotes/{remote}/{branch}^{{commit}}", check=False)
    return (ref.stdout.decode().strip() or None) != tracking


def _pull(git: _Git, root: Path, tracking: str | None, before: _Before, result: SyncResult) -> int:
    """Rebase our commits onto ``tracking``; returns how many commits of ours the remote lacks."""
    head = git.run("rev-parse", "-q", "--verify", "HEAD", check=False).stdout.decode().strip() or None
    if tracking is None:
        return 1 if head else 0
    if head is None:
        # An empty clone committing nothing yet: take the remote's branch as it is.
        done = git.run("merge", "-q", "--ff-only", tracking, check=False)
        if done.returncode != 0:
            raise SyncError(root, f"could not take the remote's files: {git_said(done)}")
        result.pulled = int(git.out("rev-list", "--count", tracking))
        result.messages.append(f"pulled {result.pulled} commit{'s' * (result.pulled != 1)}")
        return 0
    behind_s, ahead_s = git.out("rev-list", "--left-right", "--count", f"{tracking}...HEAD").split()
    behind, ahead = int(behind_s), int(ahead_s)
    if behind:
        _rebase(git, root, tracking, before, result)
        result.pulled += behind
        result.messages.append(f"pulled {behind} commit{'s' * (behind != 1)}")
    return ahead


def _rebase(git: _Git, root: Path, tracking: str, before: _Before, result: SyncResult) -> None:
    done = git.run("rebase", "-q", "--no-autostash", tracking, check=False)
    if done.returncode == 0:
        return
    if _rebase_in_progress(git):
        _stop_on_conflict(git, root, before, result)
    # Refused before starting. A dirty tree (files changed here that are not ours to commit)
    # is set aside around the rebase, but only when the remote did not change those files
    # too: git's --autostash would leave conflict markers in them, and report success.
    dirty = git.names("diff", "--name-only", "--no-renames", "-z", "HEAD")
    if not dirty:
        _restore(git, before)
        raise SyncError(root, f"nothing was committed: could not pull: {git_said(done)}")
    incoming = set(git.names("diff", "--name-only", "--no-renames", "-z", f"HEAD...{tracking}"))
    both = sorted(set(dirty) & incoming)
    if both:
        _restore(git, before)
        raise SyncError(
            root, f"nothing was committed: {_shown(both)} changed here, not yours to sync, and changed on the "
            "remote too; undo the change here (git restore FILE) or ask whose file it is, then sync again",
        )
    git.run("stash", "push", "-q", "-m", "annotator sync: changes that are not yours to commit")
    done = git.run("rebase", "-q", "--no-autostash", tracking, check=False)
    if done.returncode != 0:
        conflict = _rebase_in_progress(git)
        if conflict:
            files = _conflicted(git)
            git.run("rebase", "--abort", check=False)
        git.run("stash", "pop", "-q", "--index", check=False)
        _restore(git, before)
        if conflict:
            raise SyncError(root, _conflict_message(files))
        raise SyncError(root, f"nothing was committed: could not pull: {git_said(done)}")
    pop = git.run("stash", "pop", "-q", "--index", check=False)
    if pop.returncode != 0:  # not expected: those files did not change
        raise SyncError(root, f"pulled, but your other local changes stay in `git stash` ({git_said(pop)})", result=result)


def _rebase_in_progress(git: _Git) -> bool:
    gitdir = Path(git.out("rev-parse", "--absolute-git-dir"))
    return (gitdir / "rebase-merge").exists() or (gitdir / "rebase-apply").exists()


def _conflicted(git: _Git) -> list[str]:
    return git.names("diff", "--name-only", "--diff-filter=U", "-z")


def _shown(names: Sequence[str], most: int = 5) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _conflict_message(files: Sequence[str]) -> str:
    return (
        f"sync stopped: the remote changed the same file{'s' * (len(files) != 1)} as this clone "
        f"({_shown(files) or 'see git status'}); nothing was committed or pushed and your files are as "
        "they were; merge by hand with git (git pull --rebase, fix, git rebase --continue), then sync again"
    )


def _stop_on_conflict(git: _Git, root: Path, before: _Before, result: SyncResult) -> NoReturn:
    files = _conflicted(git)
    git.run("rebase", "--abort", check=False)
    _restore(git, before)
    raise SyncError(root, _conflict_message(files))
