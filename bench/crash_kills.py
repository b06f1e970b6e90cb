"""Kill a process saving notes 1,000 times at random instants; count what survives.

Prints ``survived: N / 1000`` for the vault's EncryptedStorage (every kill must
leave a file that opens with every confirmed note in it), then the same harness's
count for TinyDB's own JSONStorage, the control, which corrupts its file.

Usage: python bench/crash_kills.py [KILLS] [CONTROL_KILLS]
"""

from __future__ import annotations

import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import crash_harness


def main(argv: list[str]) -> int:
    kills = int(argv[0]) if argv else 1000
    control_kills = int(argv[1]) if len(argv) > 1 else 200
    key = secrets.token_bytes(32)
    with tempfile.TemporaryDirectory(prefix="rjfacil-crash-") as folder:
        start = time.monotonic()
        report = crash_harness.run_kills(
            crash_harness.storage_child_command(key),
            crash_harness.storage_checker(key),
            Path(folder) / "vault",
            kills,
        )
        elapsed = time.monotonic() - start
        print(f"survived: {report.survived} / {report.kills}")
        print(
            f"  notes confirmed before the kills: {report.notes_confirmed}; "
            f"{elapsed:.1f} s, {elapsed / report.kills * 1000:.0f} ms a kill"
        )
        for failure in report.failures[:10]:
            print(f"  {failure}")
        control = crash_harness.run_kills(
            crash_harness.json_child_command,
            crash_harness.json_checker,
            Path(folder) / "control",
            control_kills,
            prepare=crash_harness.json_preparer(),
        )
        print(
            f"control (TinyDB JSONStorage): corrupted or lost notes after "
            f"{control.failed} / {control.kills} kills"
        )
    return 0 if report.survived == report.kills else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
