"""The vault lock: a second process is refused at once, and the lock dies with its holder."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from rjfacil.errors import VaultLocked
from rjfacil.store.lock import VaultLock

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from rjfacil.store.lock import VaultLock
    lock = VaultLock(Path(sys.argv[1]))
    lock.acquire()
    print("held", flush=True)
    time.sleep(120)
    """
)

# A lock that waited for its holder would sleep (polling) or block in the lock call: here
# sleeping fails, and a blocked call is ended by subprocess.run's timeout, failing the test.
TRY = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from rjfacil.errors import VaultLocked
    from rjfacil.store.lock import VaultLock
    def no_waiting(seconds):
        raise AssertionError(f"waited {seconds} s for the lock")
    time.sleep = no_waiting
    try:
        VaultLock(Path(sys.argv[1])).acquire()
    except VaultLocked as error:
        print(f"refused {error}")
        sys.exit(3)
    print("acquired")
    """
)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "vault"
    path.mkdir(mode=0o700)
    return path


def try_from_another_process(home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", TRY, str(home)], capture_output=True, text=True, timeout=30
    )


@pytest.fixture
def holder(home: Path):
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(home)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "held"
    yield child
    if child.poll() is None:
        child.kill()
    child.wait()


def test_second_process_is_refused_at_once_and_told_who_holds_it(
    home: Path, holder: subprocess.Popen[str]
) -> None:
    result = try_from_another_process(home)
    assert result.returncode == 3, result.stderr
    verdict, message = result.stdout.strip().split(" ", 1)
    assert verdict == "refused"
    # Refused while the holder still holds it: it did not wait for the holder to let go.
    assert holder.poll() is None
    assert f"pid {holder.pid} on {socket.gethostname()} since " in message
    assert str(home) in message


def test_the_lock_dies_with_a_killed_holder(home: Path, holder: subprocess.Popen[str]) -> None:
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    result = try_from_another_process(home)
    assert result.stdout.strip() == "acquired", result.stdout + result.stderr


def test_same_process_twice_is_refused(home: Path) -> None:
    with VaultLock(home), pytest.raises(VaultLocked):
        VaultLock(home).acquire()


def test_release_lets_the_next_one_in(home: Path) -> None:
    first = VaultLock(home)
    first.acquire()
    first.release()
    with VaultLock(home) as second:
        assert second.held
    assert not second.held
    # Releasing twice is harmless.
    second.release()


def test_lock_file_is_private_and_names_this_process(home: Path) -> None:
    with VaultLock(home) as lock:
        text = lock.path.read_text().lstrip("\n")  # byte 0 is the one Windows locks
        assert text.startswith(f"pid {os.getpid()} on {socket.gethostname()} since ")
        assert stat.S_IMODE(lock.path.stat().st_mode) == 0o600


def test_holder_refused_without_waiting_in_process(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_waiting(seconds: float) -> None:
        raise AssertionError(f"waited {seconds} s for the lock")

    def second_acquire() -> None:
        try:
            VaultLock(home).acquire()
        except BaseException as error:  # handed to the test's thread
            outcome.append(error)

    outcome: list[BaseException] = []
    monkeypatch.setattr(time, "sleep", no_waiting)
    with VaultLock(home):
        # In a thread, so that a lock that blocked on its holder fails this test (the
        # thread is still waiting when the generous guard ends) rather than hanging it.
        trying = threading.Thread(target=second_acquire, daemon=True)
        trying.start()
        trying.join(timeout=30)
        assert outcome, "the second acquire is still waiting for the holder"
    assert isinstance(outcome[0], VaultLocked), outcome[0]
    assert f"pid {os.getpid()}" in str(outcome[0])
