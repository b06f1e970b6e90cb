"""rjfacil on Windows and macOS, tested here on Linux where the code is plain Python.

- No POSIX-only module (fcntl, termios, pwd, grp, resource, tty, pty) is imported
  outside a function: every module of rjfacil and screens imports with them gone.
- A child process made to look like Windows (sys.platform "win32"; os without
  O_NOFOLLOW, O_DIRECTORY, O_CLOEXEC, pread, pwrite or getuid; an O_BINARY; byte 0 of a
  locked file unreadable by others; no hard links, as on a FAT stick; a folder cannot
  be opened as a file) runs the real command line: init, a case, a note, verify, the
  demo, an export, a co-worker's case file written and imported; two vaults open in one
  process; and the vault lock.
- The core type-checks as Windows sees it (mypy --platform win32), which catches a
  POSIX-only attribute such as os.getuid before a Windows user does.

Not covered here: the library's own Windows locking (LockFileEx, through ctypes) and
the NTFS and APFS file systems themselves; see the README's "Platforms".
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from rjfacil.cli import main
from rjfacil.paths import demo_dir

ROOT = Path(__file__).resolve().parents[1]
POSIX_ONLY = ("fcntl", "termios", "pwd", "grp", "resource", "tty", "pty")


def _sources() -> list[Path]:
    return sorted([*(ROOT / "rjfacil").rglob("*.py"), *(ROOT / "screens").rglob("*.py")])


def _imports_outside_functions(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            names: list[str] = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
                names = [child.module]
            for name in names:
                if name.split(".")[0] in POSIX_ONLY and not in_function:
                    found.append((child.lineno, name))
            visit(child, inside)

    visit(tree, False)
    return found


def test_no_posix_only_module_is_imported_outside_a_function() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in _sources()
        for line, name in _imports_outside_functions(ast.parse(path.read_text(), str(path)))
    ]
    assert offenders == []


def test_the_import_check_sees_a_module_level_import() -> None:
    tree = ast.parse("import fcntl\ntry:\n    import pwd\nexcept ImportError:\n    pass\n")
    assert _imports_outside_functions(tree) == [(1, "fcntl"), (3, "pwd")]
    inside = ast.parse("def sync():\n    import fcntl\n")
    assert _imports_outside_functions(inside) == []


# The child: POSIX-only modules made unimportable, every module imported, then the
# command line and the lock run as on Windows. It prints one JSON line of what it saw.
WINDOWS_CHILD = textwrap.dedent(
    r"""
    import errno, importlib, importlib.abc, io, json, os, pkgutil, stat, sys, traceback
    from contextlib import redirect_stderr, redirect_stdout
    from pathlib import Path

    # filelock is a dependency with its own POSIX/Windows split (ctypes on Windows,
    # which cannot run here); it is loaded first so the lock it offers is a real one.
    import filelock

    BLOCKED = set(sys.argv[2].split(","))
    tried = []

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name in BLOCKED:
                frames = traceback.extract_stack()[:-1]
                outside = [f for f in frames if "importlib" not in f.filename]
                tried.append(f"{outside[-1].filename}: {name}")
                raise ImportError(f"No module named {name!r} (hidden: not on Windows)")
            return None

    for name in BLOCKED:
        sys.modules.pop(name, None)
    sys.meta_path.insert(0, Block())

    import rjfacil, screens
    failed = {}
    for package in (rjfacil, screens):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if module.name.endswith("__main__"):
                continue  # running it starts the app
            try:
                importlib.import_module(module.name)
            except Exception as error:
                failed[module.name] = repr(error)

    # -- look like Windows ----------------------------------------------------------
    from rjfacil.store import agepass, kdf

    kdf.calibrate = lambda *a, **k: kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)
    agepass.SHARE_LOG_N = 10  # the share passphrase's scrypt, as tests/age_share.py has it
    sys.platform = "win32"
    for name in ("O_NOFOLLOW", "O_DIRECTORY", "O_CLOEXEC", "pread", "pwrite", "getuid",
                 "geteuid", "fchmod", "fchown", "getpgid"):
        if hasattr(os, name):
            delattr(os, name)
    BINARY = 1 << 30
    os.O_BINARY = BINARY
    # The standard library as on Windows: tempfile opens binary, and shutil.rmtree walks
    # folders by name (Windows cannot open a folder as a file descriptor).
    import shutil, tempfile
    tempfile._bin_openflags |= BINARY
    shutil._use_fd_functions = False
    real_open, real_read, real_fsync, real_close = os.open, os.read, os.fsync, os.close
    opened, not_binary, synced, lock_fds, folder_opens = {}, [], [], set(), []

    def win_open(path, flags, mode=0o777, *, dir_fd=None):
        if dir_fd is None and os.path.isdir(path):
            # Windows' os.open cannot open a folder (to sync it, say): access denied.
            folder_opens.append(Path(path).name)
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        fd = real_open(path, flags & ~BINARY, mode, dir_fd=dir_fd)
        opened[fd] = str(path)
        if not flags & BINARY:
            not_binary.append(str(path))
        if Path(path).name == "lock":
            lock_fds.add(fd)
        return fd

    def win_read(fd, size):
        # Windows: byte 0 of a locked lock file cannot be read through another handle.
        if fd in lock_fds and os.lseek(fd, 0, os.SEEK_CUR) == 0:
            raise PermissionError(errno.EACCES, "locked")
        return real_read(fd, size)

    def win_close(fd):
        # A closed lock file's number is free for the next file opened.
        lock_fds.discard(fd)
        real_close(fd)

    def win_fsync(fd):
        synced.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    def fat_link(*args, **kwargs):
        raise OSError(errno.EINVAL, "Incorrect function")  # Windows, on a FAT stick

    os.open, os.read, os.fsync, os.close = win_open, win_read, win_fsync, win_close
    os.link = fat_link

    from rjfacil.cli import main
    from rjfacil.errors import VaultLocked
    from rjfacil.store.lock import UnsafeLockFile, VaultLock

    work = Path(sys.argv[1])
    home = work / "vault"
    os.environ["RJFACIL_HOME"] = str(home)
    passphrase = work / "passphrase"
    passphrase.write_text("correct horse battery\n")

    def cli(*argv, stdin=""):
        out, err = io.StringIO(), io.StringIO()
        sys.stdin = io.StringIO(stdin)
        try:
            with redirect_stdout(out), redirect_stderr(err):
                code = main(["--passphrase-file", str(passphrase), *argv])
        except Exception as error:  # a crash is reported, not raised: the tests say which
            code = repr(error)
        return {"code": code, "out": out.getvalue(), "err": err.getvalue()}

    def two_vaults():
        # Two vaults open in one process (the demo does this to show a co-worker's file
        # merged back): one is closed, then the other saves.
        from rjfacil.workspace import Vault

        try:
            robin, _ = Vault.create(work / "robin", "robin's passphrase", "Robin Ashdown")
            priya, _ = Vault.create(work / "priya", "priya's passphrase", "Priya Shah")
            case = robin.new_case("RJ-2")
            robin.export_bundle(case.id, work / "to-priya.age", recipients=[priya.recipient])
            robin.close()
            theirs = priya.import_bundle(
                priya.preview_import(priya.read_bundle(work / "to-priya.age"))
            )
            theirs.add_note("prepared Casey alone on Tuesday")
            priya.close()
            return {"code": 0, "out": "", "err": ""}
        except Exception as error:
            return {"code": repr(error), "out": "", "err": ""}

    runs = {
        "two_vaults": two_vaults(),
        "init": cli("init", "--name", "Sam Okafor"),
        "case": cli("case", "new", "--ref", "RJ-1"),
        "note": cli("note", "add", "RJ-1", "-", stdin="first visit went well\r\n"),
        "note2": cli("note", "add", "RJ-1", "-", stdin="second visit\n"),
        "verify": cli("verify"),
        "cases": cli("cases"),
        "demo": cli("demo", "--no-tui"),
        "export": cli("export", "RJ-1", "--format", "md", "--out", str(work / "rj-1.md")),
        "bundle_export": cli(
            "bundle", "export", "RJ-1", "--out", str(work / "rj-1.age"),
            "--share-passphrase-file", str(passphrase),
        ),
        "co_worker": cli("--data-dir", str(work / "co-worker"), "init", "--name", "Priya Shah"),
        "bundle_import": cli(
            "--data-dir", str(work / "co-worker"), "bundle", "import", str(work / "rj-1.age"),
            "--share-passphrase-file", str(passphrase),
        ),
    }
    backups = sorted(p.name for p in (home / "backups").iterdir())
    links = [p.name for p in (home / "backups").iterdir() if p.stat().st_nlink > 1]

    held = VaultLock(home)
    held.acquire()
    try:
        VaultLock(home).acquire()
        second = "acquired"
    except VaultLocked as error:
        second = str(error)
    held.release()
    with VaultLock(home) as again:
        after_release = again.held
    (work / "precious").write_text("notes")
    (home / "lock").unlink()
    (home / "lock").symlink_to(work / "precious")
    try:
        VaultLock(home).acquire()
        symlink = "acquired"
    except UnsafeLockFile as error:
        symlink = str(error)

    print(json.dumps({
        "failed": failed, "tried": sorted(set(tried)), "runs": runs, "backups": backups,
        "links": links, "not_binary": not_binary, "synced": sorted(set(synced)),
        "folder_opens": sorted(set(folder_opens)),
        "second": second, "after_release": after_release, "symlink": symlink,
        "precious": (work / "precious").read_text(), "pid": os.getpid(),
    }))
    """
)


@pytest.fixture(scope="module")
def as_windows(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("windows")
    env = {k: v for k, v in os.environ.items() if k != "RJFACIL_HOME"}
    result = subprocess.run(
        [sys.executable, "-c", WINDOWS_CHILD, str(work), ",".join(POSIX_ONLY)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_every_module_imports_without_posix_only_modules(as_windows: dict) -> None:
    assert as_windows["failed"] == {}
    # The standard library and dependencies may try them and fall back (getpass,
    # subprocess); rjfacil and screens do not even try.
    ours = (str(ROOT / "rjfacil"), str(ROOT / "screens"))
    assert [attempt for attempt in as_windows["tried"] if attempt.startswith(ours)] == []
    assert as_windows["tried"], "the check must see the standard library's attempts"


def test_as_windows_the_command_line_saves_and_verifies(as_windows: dict) -> None:
    runs = as_windows["runs"]
    for name, run in runs.items():
        assert run["code"] == 0, (name, run)
    assert "verified 1 cases" in runs["verify"]["out"]
    assert "RJ-1" in runs["cases"]["out"]
    assert "demo vault" in runs["demo"]["out"]
    assert "Wrote the supervisor summary of case RJ-1" in runs["export"]["out"]
    assert "Exported case RJ-1" in runs["bundle_export"]["out"]
    assert "RJ-1" in runs["bundle_import"]["out"]


def test_as_windows_on_fat_every_save_keeps_copies_not_links(as_windows: dict) -> None:
    backups = as_windows["backups"]
    assert "index.rjv.1" in backups
    # The case file, saved at creation and at each note: its earlier versions are kept.
    assert [name for name in backups if name.endswith(".rjv.2") and name != "index.rjv.2"]
    assert as_windows["links"] == []


def test_as_windows_files_are_opened_binary_and_no_folder_is_synced(as_windows: dict) -> None:
    assert as_windows["not_binary"] == []
    assert as_windows["synced"] == ["file"]
    # Windows cannot open a folder: nothing should try (an export, a case file, an import).
    assert as_windows["folder_opens"] == []


def test_as_windows_the_lock_refuses_a_second_holder_and_names_the_first(
    as_windows: dict,
) -> None:
    assert f"pid {as_windows['pid']} on " in as_windows["second"]
    assert as_windows["after_release"] is True


def test_as_windows_a_symlinked_lock_file_is_refused(as_windows: dict) -> None:
    assert "link" in as_windows["symlink"] and "\n" not in as_windows["symlink"]
    assert as_windows["precious"] == "notes"


def test_the_demo_needs_no_posix_user_id_and_stays_out_of_the_shared_temp_folder(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 9: the demo lived at a predictable path in the shared temporary folder,
    named with os.getuid(), which Windows does not have."""
    monkeypatch.delattr(os, "getuid")
    assert main(["demo", "--no-tui"]) == 0
    assert f"the demo vault at {demo_dir()}" in capsys.readouterr().out
    assert demo_dir().is_relative_to(isolated_home)
    monkeypatch.delenv("RJFACIL_HOME")
    assert not demo_dir().is_relative_to(tempfile.gettempdir())


def test_the_core_type_checks_as_windows_sees_it() -> None:
    cache = ROOT / ".mypy_cache" / "platform-win32"
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--platform", "win32", "--cache-dir", str(cache)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout
