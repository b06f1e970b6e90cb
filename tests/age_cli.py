"""Drive the age command-line tool from tests (test-only).

age reads a passphrase from the terminal (/dev/tty), never from argv, stdin or the
environment, so passphrase runs get a pseudo-terminal of their own: the child is a session
leader whose controlling terminal is the pty, and the test types the passphrase at each
prompt. Echo is turned off on the pty first, so the passphrase never appears in the
captured output. Identities are passed as files made 0600 by the caller.
"""

from __future__ import annotations

import functools
import os
import pty
import select
import shutil
import subprocess
import termios
import time
from collections.abc import Sequence
from pathlib import Path

from rjfacil.store import agefile

AGE = shutil.which("age")
AGE_KEYGEN = shutil.which("age-keygen")


def run(argv: Sequence[str], stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """Run age without a terminal (recipients and identities only)."""
    return subprocess.run(list(argv), input=stdin, capture_output=True, timeout=60, check=False)


def run_with_passphrase(
    argv: Sequence[str], passphrase: str, prompts: int, timeout: float = 60.0
) -> tuple[int, bytes]:
    """Run age on a pty, answering its first ``prompts`` passphrase prompts.

    Returns:
        The exit code and what age wrote to the terminal (prompts and errors).
    """
    pid, fd = pty.fork()
    if pid == 0:  # the child: its stdin, stdout, stderr and /dev/tty are the pty
        try:
            os.execv(argv[0], list(argv))
        finally:
            os._exit(127)
    attrs = termios.tcgetattr(fd)
    attrs[3] &= ~termios.ECHO
    termios.tcsetattr(fd, termios.TCSANOW, attrs)
    seen = b""
    answered = 0
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
            if answered < prompts and seen.count(b"passphrase") > answered:
                os.write(fd, passphrase.encode() + b"\n")
                answered += 1
        else:
            os.kill(pid, 9)
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), seen


def write_secret(path: Path, text: str) -> Path:
    """Write an identity file readable only by its owner (0600), as age-keygen does."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text + "\n")
    return path


SHARE = "a long share passphrase"
SHARED_PLAINTEXT = b'{"format": "rjfacil-bundle", "case": {"reference": "RJ-2025-014"}}\n' * 50


@functools.cache
def sealed_with_share() -> bytes:
    """SHARED_PLAINTEXT sealed by rjfacil to SHARE, made once per test run: pyrage's
    calibrated scrypt costs seconds each time."""
    return agefile.encrypt_with_passphrase(SHARED_PLAINTEXT, SHARE)
