"""Shared fixtures: every test gets its own data folder and a cheap key derivation."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rjfacil.store import kdf

# Cheap Argon2id for tests; the production parameters are tested once, in test_kdf.py.
FAST_KDF = kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)
PASSPHRASE = "correct horse battery"
OWNER = "Sam Okafor"


def pytest_configure(config: pytest.Config) -> None:
    """No animations in tests: a Pilot key press waits for every animation to finish (a tab's
    underline slides for a third of a second), and no test looks at one. TEXTUAL_ANIMATIONS
    is Textual's own switch; a plugin may have imported Textual already, so its constant is
    set too."""
    import textual.constants

    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    setattr(textual.constants, "TEXTUAL_ANIMATIONS", "none")  # noqa: B010 (it is Final)
    # Fewer cyclic garbage collections. Each Pilot test's app leaves some 30,000 objects in
    # cycles, and Textual's caches keep many more alive between tests, so with Python's
    # default thresholds a full collection (150 ms or more) ran about once per UI test: a
    # quarter of the UI tests' CPU time. Garbage is still collected, in fewer, larger passes.
    gc.set_threshold(10_000, 20, 20)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Collect the garbage once, then freeze what is left. pytest then runs five full
    collections to find exceptions raised by finalizers, and Textual's caches keep some
    400,000 objects alive in each worker at the end: 2 to 3 s of CPU per worker, at the
    very end of the run. The one collection here still runs every finalizer (pytest's
    hook for exceptions is in place until after this); the frozen objects are the ones
    that are not garbage."""
    gc.collect()
    gc.freeze()


# Tests that spend much of their time waiting (for a killed process, or for a Pilot's app to
# go idle, which Textual checks in steps of 20 ms) beside tests that only compute.
WAITING = ("test_crash", "test_ui_")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Spread the waiting files among the computing ones, each file's tests kept together.

    pytest-xdist gives each worker a run of the list; a run of waiting files alone leaves the
    cores idle while every worker waits (the end of the run was a fifth idle when the
    Pilot tests all came last). Each file is placed at its position within its own kind, so
    both kinds are spread evenly from start to end.
    """
    files: dict[Path, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.path, []).append(item)
    waiting = [path for path in files if path.name.startswith(WAITING)]
    computing = [path for path in files if not path.name.startswith(WAITING)]
    place = {path: (index + 0.5) / len(waiting) for index, path in enumerate(waiting)}
    place |= {path: (index + 0.5) / len(computing) for index, path in enumerate(computing)}
    items[:] = [item for path in sorted(files, key=place.__getitem__) for item in files[path]]


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """RJFACIL_HOME in a temporary folder, so no test touches a real home folder."""
    home = tmp_path / "rjfacil-home"
    monkeypatch.setenv("RJFACIL_HOME", str(home))
    monkeypatch.delenv("RJFACIL_PASSPHRASE_FILE", raising=False)
    return home


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> kdf.KdfParams:
    monkeypatch.setattr(kdf, "calibrate", lambda *args, **kwargs: FAST_KDF)
    return FAST_KDF


@pytest.fixture(autouse=True)
def no_power_cuts(monkeypatch: pytest.MonkeyPatch) -> None:
    """``os.fsync`` checks its file descriptor and returns: it matters only in a power cut,
    which no test can make, and the tests' 40,000 calls waited some 25 s on the disk. A
    killed process's writes are kept by the system all the same, and the crash tests'
    children, real processes, fsync for real. Tests of the sync calls themselves patch
    ``os.fsync`` again (tests/test_durable.py, tests/test_durable_platforms.py)."""

    def fsync(fd: int) -> None:
        os.fstat(fd)  # a closed or bad descriptor still raises, as fsync would

    monkeypatch.setattr(os, "fsync", fsync)


@pytest.fixture
def vault_home(isolated_home: Path) -> Path:
    return isolated_home


@pytest.fixture
def vault(vault_home: Path) -> Iterator:
    from rjfacil.workspace import Vault

    opened, _recovery = Vault.create(vault_home, PASSPHRASE, OWNER)
    yield opened
    opened.close()  # idempotent: a test may have closed it already


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n")
    return path


@pytest.fixture
def cheap_share_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    """Share-passphrase bundles at scrypt 2^10 instead of age's 2^18 (about a second each
    way), for tests whose subject is not the work factor (tests/age_share.py)."""
    from rjfacil.store import agepass
    from tests.age_share import CHEAP_LOG_N

    monkeypatch.setattr(agepass, "SHARE_LOG_N", CHEAP_LOG_N)


def case_with_old_reference(vault: Any, reference: str, **fields: Any) -> Any:
    """A case whose reference was stored before references had rules (an older rjfacil
    let control characters through): the screens and exports must still show it safely."""
    from uuid import uuid4

    case = vault.new_case(f"old-{uuid4().hex[:12]}", **fields)
    case.check_reference = lambda text: text  # as the older rjfacil did: no rules
    case.update_case(reference=reference)
    return case
