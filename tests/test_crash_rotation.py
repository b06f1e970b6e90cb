"""Kill real processes at every write step of a key rotation, and at random instants.

After each kill the vault opens with the old or the new passphrase (the next unlock
finishes or undoes the rotation), verify passes, every case and note is there, and when
the rotation was finished no file opens with the old key.

Each child is a real process, forked from a server that has imported the vault already
(crash_harness.ForkedChild) rather than a fresh Python, and killed with SIGKILL.
"""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import crash_harness
import crash_rotation_child
import pytest

from rjfacil.errors import WrongPassphrase
from rjfacil.workspace import Vault
from tests.conftest import OWNER, PASSPHRASE
from tests.test_rotation import files_opened_by, old_keys

pytestmark = pytest.mark.slow

NEW = "the new passphrase after the kill"
RANDOM_KILLS = 12


@pytest.fixture
def template(tmp_path: Path) -> dict:
    """A small vault (two cases, saved more than once, so there are backups), closed."""
    home = tmp_path / "template"
    vault, code = Vault.create(home, PASSPHRASE, OWNER)
    notes = {}
    for ref in ("RJ-1", "RJ-2"):
        case = vault.new_case(ref)
        for number in range(1):
            case.add_note(f"note {number} of {ref}")
        notes[ref] = sorted(case.note_texts().values())
    vault.close()
    old_file, new_file = tmp_path / "old.txt", tmp_path / "new.txt"
    old_file.write_text(PASSPHRASE + "\n")
    new_file.write_text(NEW + "\n")
    stolen = tmp_path / "stolen-vault.json"
    shutil.copy(home / "vault.json", stolen)
    return {
        "home": home,
        "code": code,
        "notes": notes,
        "files": (old_file, new_file),
        "stolen": stolen,
    }


def _child(template: dict, home: Path, kill_at: int) -> crash_harness.ForkedChild:
    old_file, new_file = template["files"]
    return crash_harness.ForkedChild(crash_rotation_child.run, (home, old_file, new_file, kill_at))


def _run(template: dict, home: Path, kill_at: int) -> crash_harness.Finished:
    return crash_harness.run_forked(_child(template, home, kill_at))


def check(
    template: dict, home: Path, new_first: bool, outcomes: list[str] | None = None
) -> str | None:
    """One line on what is wrong with ``home`` after a kill, or None.

    ``outcomes`` gets what the unlock did: "finished", "undone" or "none" (no journal).
    """
    order = [NEW, PASSPHRASE] if new_first else [PASSPHRASE, NEW]
    opened_with = None
    for passphrase in order:
        door = Vault.open(home)
        try:
            vault = door.unlock(passphrase)
        except WrongPassphrase:
            door.release()
            continue
        except Exception as error:
            door.release()
            return f"the vault does not open with {passphrase!r}: {error}"
        if outcomes is not None:
            outcomes.append(door.rotation_outcome or "none")
        with vault:
            report = vault.verify()
            if not report.ok:
                return f"verify failed: {report.faults[0]}"
            notes = {
                row.reference: sorted(vault.open_case(row.id).note_texts().values())
                for row in vault.list_cases()
            }
        if notes != template["notes"]:
            return f"cases or notes differ: {notes}"
        opened_with = passphrase
        break
    if opened_with is None:
        return "neither passphrase opens the vault"
    other = PASSPHRASE if opened_with == NEW else NEW
    door = Vault.open(home)
    try:
        door.unlock(other).close()
        return f"{other!r} still opens the vault too"
    except WrongPassphrase:
        door.release()
    if opened_with == NEW:
        for key in old_keys(template["stolen"], PASSPHRASE, template["code"]):
            opened = files_opened_by(home, key)
            if opened:
                return f"the old key still opens {opened[0]}"
    if list(home.rglob("*.tmp")):
        return "temporary files left behind"
    return None


def test_a_kill_at_every_write_step_loses_nothing(template: dict, tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(template["home"], work)
    finished = _run(template, work, 0)
    assert finished.exitcode == 0, finished.stderr
    steps = int(finished.stdout.split()[-1])
    assert check(template, work, new_first=False) is None  # only the new one opens
    assert steps >= 20, steps  # every file rewritten: the kills below reach them all
    failures = []
    outcomes: list[str] = []
    for kill_at in range(1, steps + 1):
        shutil.rmtree(work)
        shutil.copytree(template["home"], work)
        killed = _run(template, work, kill_at)
        assert killed.exitcode == -signal.SIGKILL, killed.stderr
        problem = check(template, work, new_first=bool(kill_at % 2), outcomes=outcomes)
        if problem:
            failures.append(f"kill before step {kill_at}: {problem}")
    assert failures == []
    # The kills landed before, during and after the journal: both recoveries were taken.
    assert {"finished", "undone"} <= set(outcomes), outcomes
    print(f"{steps} write steps, each killed once: {sorted(set(outcomes))}")


def test_kills_at_random_instants_lose_nothing(template: dict, tmp_path: Path) -> None:
    work = tmp_path / "random"

    def prepare(folder: Path) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(template["home"], folder)

    kills = 0

    def checker(folder: Path, _confirmed: set[str]) -> str | None:
        nonlocal kills
        kills += 1
        return check(template, folder, new_first=bool(kills % 2))

    report = crash_harness.run_kills(
        _child(template, work, 0),
        checker,
        work,
        RANDOM_KILLS,
        delay=(0.0, 0.05),
        seed=9,
        prepare=prepare,
    )
    assert report.failures == []
    assert report.survived == RANDOM_KILLS
