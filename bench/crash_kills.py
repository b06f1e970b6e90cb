"""Kill a process saving notes 1,000 times at random instants; count what survives.

Prints ``survived: N / 1000`` for the vault's EncryptedStorage (every kill must
leave a file that opens with every confirmed note in it), then the same for the whole
vault, then for saves on a file system without hard links (FAT, exFAT: the previous
version is copied), then the same harness's count for TinyDB's own JSONStorage, the
control, which corrupts its file. The test suite makes 80, 80 and 40 of these kills
(tests/test_crash*.py); this is the large sample.

Usage: python bench/crash_kills.py [--kills N] [--control-kills N]
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import crash_harness


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=1000, help="kills of each saving process")
    parser.add_argument("--control-kills", type=int, default=200, help="kills of the control")
    args = parser.parse_args(argv)
    kills, control_kills = args.kills, args.control_kills
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
        vault_kills = kills
        home = Path(folder) / "whole-vault"
        case_id, passphrase_file = _make_vault(home)
        start = time.monotonic()
        whole = crash_harness.run_kills(
            crash_harness.vault_child_command(home, case_id, passphrase_file),
            crash_harness.vault_checker(home, case_id, PASSPHRASE),
            Path(folder) / "unused",
            vault_kills,
            delay=(0.002, 0.060),
        )
        elapsed = time.monotonic() - start
        print(
            f"whole vault (unlock, add_note, verify after each kill): "
            f"survived: {whole.survived} / {whole.kills}"
        )
        print(f"  notes confirmed before the kills: {whole.notes_confirmed}; {elapsed:.1f} s")
        for failure in whole.failures[:10]:
            print(f"  {failure}")
        copying = crash_harness.run_kills(
            crash_harness.storage_child_forked(key, Path(folder) / "no-links", hard_links=False),
            crash_harness.storage_checker(key),
            Path(folder) / "no-links",
            kills,
        )
        print(
            f"without hard links (copied backups): survived: {copying.survived} / {copying.kills}"
        )
        for failure in copying.failures[:10]:
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
    ok = all(run.survived == run.kills for run in (report, whole, copying))
    return 0 if ok else 1


PASSPHRASE = "crash bench passphrase"


def _make_vault(home: Path) -> tuple[str, Path]:
    from rjfacil.store import kdf
    from rjfacil.workspace import Vault

    fast = kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)
    vault, _ = Vault.create(home, PASSPHRASE, "Crash Bench", fast)
    case_id = str(vault.new_case("RJ-CRASH").id)
    vault.close()
    passphrase_file = home.parent / "passphrase.txt"
    passphrase_file.write_text(PASSPHRASE)
    return case_id, passphrase_file


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
