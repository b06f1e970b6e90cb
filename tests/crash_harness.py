"""Kill a writing process at random instants and check what it leaves on disk.

A reusable harness (not a test file). The parent starts a child that opens a
database and saves notes in a loop, printing each note's id (flushed) only after
the save returned; then it SIGKILLs the child at a random instant and checks the
folder: the file must open, and every id the child printed must be in it.

The child is any command (a function of the work folder) that follows this
protocol on stdout::

    ready            once the database is open and the first save is about to start
    <note id>        one line per note, after its save returned

so the same harness can drive EncryptedStorage and the full Vault API. A child is either
a command line (a fresh Python each time), or a :class:`ForkedChild`: a function run in a
process forked from a server that has already imported the modules it needs, so a child
starts in milliseconds rather than the 0.2 s Python takes to import the vault. Either way
each child is a real process, alone in its address space, killed with SIGKILL.
Run as a script, this module is the child for the two built-in targets::

    python crash_harness.py storage DIR KEYHEX   # EncryptedStorage (the vault's storage)
    python crash_harness.py json DIR             # TinyDB's JSONStorage (the control)

Only the standard library is imported at module level, so the child starts fast.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parent.parent
STORAGE_FILE = "notes.rjv"
STORAGE_NAME = "notes.rjv"
JSON_FILE = "notes.json"
NOTE_TEXT = "Second preparation meeting: talked through what to say at the circle. " * 2

ChildCommand = Callable[[Path], Sequence[str]]
Checker = Callable[[Path, set[str]], "str | None"]
Preparer = Callable[[Path], None]


@dataclass
class CrashReport:
    """What a run of kills found.

    Attributes:
        kills: Children killed.
        survived: Kills after which the file opened with every printed note in it.
        failures: One line per kill that lost data or left an unreadable file.
        notes_confirmed: Note ids the children printed (saves that returned).
        kills_after_saves: Kills of a child that had already finished a save (so the kill
            landed while it was saving notes, not while it was starting).
    """

    kills: int = 0
    survived: int = 0
    failures: list[str] = field(default_factory=list)
    notes_confirmed: int = 0
    kills_after_saves: int = 0

    @property
    def failed(self) -> int:
        """Kills that left the data damaged or incomplete."""
        return len(self.failures)


@dataclass(frozen=True)
class ForkedChild:
    """A child that runs ``target(*args)`` in a process forked from a preloaded server.

    The server (multiprocessing's forkserver, started once per test process) imports
    :data:`PRELOAD` before it forks; the child's stdout and stderr are pipes to the
    harness. ``target`` must be a module-level function (it is sent by reference).
    """

    target: Callable[..., None]
    args: tuple[Any, ...] = ()


PRELOAD = [
    "rjfacil.workspace",
    "rjfacil.store.storage",
    "tinydb",
    "crash_harness",
    "crash_vault_child",
    "crash_rotation_child",
    "crash_manifest_child",
    "crash_delete_child",
]
"""What the fork server imports once, for every forked child (the children's imports)."""


class _Running:
    """A started child: its stdout, and how to kill it and collect what it said."""

    def __init__(self, stdout: IO[bytes], stderr: IO[bytes], kill: Callable[[], None]) -> None:
        self.stdout = stdout
        self._stderr = stderr
        self._kill = kill

    def kill_and_collect(self) -> tuple[bytes, str]:
        """SIGKILL the child, wait until it is gone; what else it printed, and its errors."""
        self._kill()
        rest = self.stdout.read()
        errors = self._stderr.read().decode("utf-8", "replace").strip()
        self.stdout.close()
        self._stderr.close()
        return rest, errors


def _start_command(command: Sequence[str], env: dict[str, str]) -> _Running:
    import signal
    import subprocess

    child = subprocess.Popen(list(command), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert child.stdout is not None and child.stderr is not None

    def kill() -> None:
        child.send_signal(signal.SIGKILL)
        child.wait()

    return _Running(child.stdout, child.stderr, kill)


def _fork(spec: ForkedChild) -> tuple[Any, IO[bytes], IO[bytes]]:
    """Start ``spec`` in a process forked from the preloaded server; it, stdout, stderr."""
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    out_read, out_write = context.Pipe(duplex=False)
    err_read, err_write = context.Pipe(duplex=False)
    process = context.Process(
        target=_forked_main, args=(spec.target, spec.args, out_write, err_write), daemon=True
    )
    process.start()
    out_write.close()  # the child holds the only write ends: EOF once it is gone
    err_write.close()
    stdout = os.fdopen(os.dup(out_read.fileno()), "rb")
    stderr = os.fdopen(os.dup(err_read.fileno()), "rb")
    out_read.close()
    err_read.close()
    return process, stdout, stderr


def _start_forked(spec: ForkedChild) -> _Running:
    process, stdout, stderr = _fork(spec)

    def kill() -> None:
        process.kill()  # SIGKILL
        process.join()  # the fork server reaps it: every file it had open is closed
        process.close()

    return _Running(stdout, stderr, kill)


@dataclass(frozen=True)
class Finished:
    """A forked child that ran to its end: how it ended, and what it printed."""

    exitcode: int
    stdout: bytes
    stderr: str


def run_forked(spec: ForkedChild) -> Finished:
    """Run ``spec`` in a forked child until it exits (or kills itself); what it printed.

    ``exitcode`` is negative when a signal ended the child: ``-signal.SIGKILL`` for a kill.
    """
    process, stdout, stderr = _fork(spec)
    with stdout, stderr:
        printed = stdout.read()  # EOF once the child is gone
        errors = stderr.read().decode("utf-8", "replace")
    process.join()
    exitcode = process.exitcode
    process.close()
    assert exitcode is not None
    return Finished(exitcode, printed, errors)


def _forked_main(target: Callable[..., None], args: tuple[Any, ...], out: Any, err: Any) -> None:
    """In the forked child: stdout and stderr to the harness's pipes, then the target."""
    os.dup2(out.fileno(), 1)
    os.dup2(err.fileno(), 2)
    out.close()
    err.close()
    target(*args)


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_kills(
    child_command: ChildCommand | ForkedChild,
    check: Checker,
    workdir: Path,
    kills: int,
    *,
    delay: tuple[float, float] = (0.005, 0.080),
    seed: int | None = None,
    prepare: Preparer | None = None,
    stop_after_failures: int | None = None,
    time_limit: float | None = None,
    progress: Callable[[int, CrashReport], None] | None = None,
) -> CrashReport:
    """Start a child, kill it at a random instant, check the folder; ``kills`` times.

    Args:
        child_command: The argv of a child writing into ``workdir`` (see module doc), or
            a :class:`ForkedChild`.
        check: Given ``workdir`` and every note id confirmed so far, a one-line
            description of what is wrong, or None if all is well.
        workdir: The folder the children write into; it persists across kills, so
            each child continues the previous one's file.
        kills: How many children to kill.
        delay: Range of the random wait, in seconds, between "ready" and the kill.
        seed: Seed for the random waits (None: different each run).
        prepare: Called before each child; if given, each kill starts from the state
            it sets up and only that child's notes are checked.
        stop_after_failures: Stop early once this many failures were seen.
        time_limit: Stop early after this many seconds (the report says how many kills).
        progress: Called after each kill with its number and the report so far.

    Returns:
        The report. After a failure the folder is emptied and the run continues.
    """
    import random
    import time

    rng = random.Random(seed)
    report = CrashReport()
    confirmed: set[str] = set()
    started = time.monotonic()
    env = _child_env()
    workdir.mkdir(parents=True, exist_ok=True)
    for number in range(1, kills + 1):
        if prepare is not None:
            prepare(workdir)
            confirmed = set()
        if isinstance(child_command, ForkedChild):
            child = _start_forked(child_command)
        else:
            child = _start_command(child_command(workdir), env)
        first = child.stdout.readline()
        saved = b""
        if first == b"ready\n":
            # Every other kill waits for the child's first confirmed save, so that however
            # busy the machine, half the kills land among saves, not while it unlocks.
            if number % 2 == 0:
                saved = child.stdout.readline()
            time.sleep(rng.uniform(*delay))
        # Only whole lines count: a note is confirmed once its id and newline are out.
        rest, errors = child.kill_and_collect()
        rest = saved + rest
        printed = [line for line in rest.split(b"\n")[:-1] if line]
        confirmed.update(line.decode("ascii") for line in printed)
        report.kills += 1
        report.notes_confirmed += len(printed)
        report.kills_after_saves += bool(printed)
        problem = check(workdir, confirmed)
        if problem is None and first != b"ready\n":
            last = errors.splitlines()[-1] if errors else "no output"
            problem = f"the child did not start: {last}"
        if problem is None:
            report.survived += 1
        else:
            report.failures.append(f"kill {number}: {problem}")
            _empty(workdir)
            confirmed = set()
        if progress is not None:
            progress(number, report)
        if stop_after_failures is not None and report.failed >= stop_after_failures:
            break
        if time_limit is not None and time.monotonic() - started > time_limit:
            break
    return report


def _empty(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)


def _missing(confirmed: set[str], present: set[str]) -> str | None:
    lost = confirmed - present
    if not lost:
        return None
    return f"{len(lost)} confirmed notes are missing, e.g. {sorted(lost)[0]}"


# -- the encrypted storage -------------------------------------------------------


def storage_child_command(key: bytes) -> ChildCommand:
    """The child command for EncryptedStorage under ``key``."""

    def command(workdir: Path) -> list[str]:
        return [sys.executable, __file__, "storage", str(workdir), key.hex()]

    return command


def storage_child_forked(key: bytes, workdir: Path, *, hard_links: bool = True) -> ForkedChild:
    """The same child as :func:`storage_child_command`, forked (see :class:`ForkedChild`).

    With ``hard_links=False`` the child's ``os.link`` fails with EPERM, as on a FAT or
    exFAT stick, so every save takes the copying path.
    """
    if hard_links:
        return ForkedChild(_storage_child, (workdir, key))
    return ForkedChild(_storage_child_without_hard_links, (workdir, key))


def storage_checker(key: bytes) -> Checker:
    """Check the EncryptedStorage file: it must decrypt and hold every confirmed note."""
    from rjfacil.errors import RjfacilError
    from rjfacil.store import rjv

    def check(workdir: Path, confirmed: set[str]) -> str | None:
        path = workdir / STORAGE_FILE
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return _missing(confirmed, set())
        try:
            document = rjv.unseal_json(key, data, path, STORAGE_NAME)
        except RjfacilError as error:
            return f"the file does not open: {error}"
        notes = document.get("notes", {}).values()
        return _missing(confirmed, {note["id"] for note in notes})

    return check


def _storage_child(folder: Path, key: bytes) -> None:
    from tinydb import TinyDB

    from rjfacil.store.durable import remove_orphans
    from rjfacil.store.storage import EncryptedStorage

    remove_orphans(folder)
    db = TinyDB(
        folder / STORAGE_FILE, key, STORAGE_NAME, folder / "backups", storage=EncryptedStorage
    )
    _write_notes(db, NOTE_TEXT)


def _storage_child_without_hard_links(folder: Path, key: bytes) -> None:
    import errno

    def no_hard_links(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    os.link = no_hard_links  # this child only: it was forked, and the server keeps its own
    _storage_child(folder, key)


# -- the whole vault ---------------------------------------------------------------


def vault_child_command(home: Path, case_id: str, passphrase_file: Path) -> ChildCommand:
    """The child command that saves notes through the Vault API (crash_vault_child.py)."""
    child = Path(__file__).with_name("crash_vault_child.py")

    def command(_workdir: Path) -> list[str]:
        return [sys.executable, str(child), str(home), case_id, str(passphrase_file)]

    return command


def vault_child_forked(home: Path, case_id: str, passphrase_file: Path) -> ForkedChild:
    """The same child as :func:`vault_child_command`, forked (see :class:`ForkedChild`)."""
    from uuid import UUID

    import crash_vault_child

    return ForkedChild(crash_vault_child.run, (home, UUID(case_id), passphrase_file))


def vault_fault(vault: Any) -> str | None:
    """A fault in a vault just unlocked (a ``Vault``), in one line: one it reported at open,
    or one ``verify`` finds; None when there is none."""
    reported = vault.integrity_lines()
    if reported:
        return f"reported at open: {reported[0]}"
    report = vault.verify()
    return None if report.ok else f"verify failed: {report.faults[0]}"


def vault_checker(home: Path, case_id: str, passphrase: str) -> Checker:
    """The vault must open, pass verify, and hold every confirmed note."""
    from uuid import UUID

    from rjfacil.errors import RjfacilError
    from rjfacil.workspace import Vault

    def check(_workdir: Path, confirmed: set[str]) -> str | None:
        try:
            with Vault.open(home).unlock(passphrase) as vault:
                report = vault.verify()
                if not report.ok:
                    return f"verify failed: {report.faults[0]}"
                present = {str(n.id) for n in vault.open_case(UUID(case_id)).notes()}
        except RjfacilError as error:
            return f"the vault does not open: {error}"
        return _missing(confirmed, present)

    return check


# -- the control: TinyDB's JSONStorage -------------------------------------------


def json_child_command(workdir: Path) -> list[str]:
    """The child command for TinyDB's plain JSONStorage."""
    return [sys.executable, __file__, "json", str(workdir)]


def json_child_forked(workdir: Path) -> ForkedChild:
    """The same child as :func:`json_child_command`, forked (see :class:`ForkedChild`)."""
    return ForkedChild(_json_child, (workdir,))


def json_preparer(size: int = 300_000) -> Preparer:
    """Start each control kill from a JSON database of about ``size`` bytes.

    JSONStorage rewrites its file in place, fsyncs, and only then truncates; the
    child's second save of each note makes the document shorter, so a kill before
    the truncate leaves the new document followed by the old one's tail. A note
    table followed by a large archive (as a case file's tables follow each other)
    means a torn write of a new note also leaves half of each version.
    """
    import json

    record = 30_000
    seed = json.dumps(
        {
            "notes": {"1": {"id": "seed", "text": "first note"}},
            "archive": {str(n): {"text": "x" * record} for n in range(max(1, size // record))},
        }
    )

    def prepare(workdir: Path) -> None:
        (workdir / JSON_FILE).write_text(seed)

    return prepare


def json_checker(workdir: Path, confirmed: set[str]) -> str | None:
    """Check the JSONStorage file: it must parse and hold every confirmed note."""
    import json

    path = workdir / JSON_FILE
    try:
        document = json.loads(path.read_text())
        present = {note["id"] for note in document.get("notes", {}).values()}
    except FileNotFoundError:
        return _missing(confirmed, set())
    except (ValueError, AttributeError, KeyError, TypeError) as error:
        return f"the file does not open: {type(error).__name__}"
    return _missing(confirmed, present)


def _json_child(folder: Path) -> None:
    from tinydb import TinyDB

    _write_notes(TinyDB(folder / JSON_FILE), NOTE_TEXT)


# -- the child's loop ---------------------------------------------------------------


def _write_notes(db: object, text: str) -> None:
    notes = db.table("notes")  # type: ignore[attr-defined]
    notes.all()  # open (read and decrypt) before saying ready
    out = sys.stdout.buffer
    out.write(b"ready\n")
    out.flush()
    prefix = os.urandom(6).hex()
    number = 0
    while True:
        note_id = f"{prefix}-{number}"
        # Saved as typed, then tidied: the second save makes the document shorter.
        doc_id = notes.insert({"id": note_id, "text": text + "  (draft)  "})
        notes.update({"text": text}, doc_ids=[doc_id])
        out.write(note_id.encode("ascii") + b"\n")
        out.flush()
        number += 1


def main(argv: list[str]) -> None:
    """The child: ``storage DIR KEYHEX`` or ``json DIR``."""
    kind, folder = argv[0], Path(argv[1])
    if kind == "storage":
        _storage_child(folder, bytes.fromhex(argv[2]))
    elif kind == "json":
        _json_child(folder)
    else:
        raise SystemExit(f"unknown child kind {kind!r}")


# -- children killed at one write step ---------------------------------------------------

WRITE_STEPS = ("write", "fsync", "replace", "link", "unlink")


class StepCounter:
    """The write steps a child has made so far; ``say`` prints a line past the counting."""

    def __init__(self, write: Callable[[int, bytes], int]) -> None:
        self.count = 0
        self._write = write

    def say(self, line: str) -> None:
        self._write(1, f"{line}\n".encode())


@contextmanager
def killed_at_step(kill_at: int, steps: Sequence[str] = WRITE_STEPS) -> Iterator[StepCounter]:
    """Count every call of the os functions ``steps`` and SIGKILL this process at call
    ``kill_at`` (0: never); a write killed at is half done first, as a torn write. Test
    code only: rjfacil has no kill switch."""
    originals = {name: getattr(os, name) for name in steps}
    counter = StepCounter(os.write)

    def counted(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def step(*args: Any, **kwargs: Any) -> Any:
            counter.count += 1
            if counter.count == kill_at:
                if name == "write":
                    fd, data = args[0], bytes(args[1])
                    real(fd, data[: len(data) // 2])  # torn: half of it reached the file
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)

        return step

    for name, real in originals.items():
        setattr(os, name, counted(name, real))
    try:
        yield counter
    finally:
        for name, real in originals.items():
            setattr(os, name, real)


def run_to_step(spec: ForkedChild, kill_at: int) -> list[str]:
    """Run a step-killed child (it prints "ready", then its lines, then "done STEPS" if it
    was not killed) to ``kill_at`` (0: to the end); the lines it printed after "ready"."""
    child = _start_forked(spec)
    first = child.stdout.readline()
    assert first == b"ready\n", child.kill_and_collect()[1]
    # Read until the child has gone (it kills itself at the step, or ends): only then is
    # it reaped; what it printed before is what its saves confirmed.
    printed = child.stdout.read()
    rest, errors = child.kill_and_collect()
    lines = [line.decode() for line in (printed + rest).split(b"\n")[:-1] if line]
    assert kill_at or (lines[-1:] != [] and lines[-1].startswith("done")), errors
    return lines


if __name__ == "__main__":
    main(sys.argv[1:])
