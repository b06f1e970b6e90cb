"""The command line, as scripts and facilitators use it."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rjfacil.cli import _tui_arguments, build_parser, main
from rjfacil.workspace import Vault
from tests.conftest import OWNER, PASSPHRASE

ROOT = Path(__file__).resolve().parents[1]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def made(vault: Vault) -> Path:
    vault.close()
    return vault.home


def test_init_prints_the_recovery_code_once_and_it_unlocks(
    capsys: pytest.CaptureFixture[str], vault_home: Path, passphrase_file: Path
) -> None:
    code, out, err = run(capsys, "--passphrase-file", str(passphrase_file), "init", "--name", OWNER)
    assert code == 0, err
    recovery = next(line.strip() for line in out.splitlines() if line.count("-") == 7)
    assert "keep it somewhere safe" in out
    with Vault.open(vault_home).unlock_with_recovery(recovery) as vault:
        assert vault.owner.name == OWNER


def test_case_new_note_add_and_cases(
    capsys: pytest.CaptureFixture[str],
    made: Path,
    passphrase_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pf = ["--passphrase-file", str(passphrase_file)]
    code, out, _ = run(capsys, *pf, "case", "new", "--ref", "RJ-77")
    assert code == 0
    case_id = out.strip()
    assert len(case_id) == 36
    assert run(capsys, *pf, "note", "add", "RJ-77", "first visit went well")[0] == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("a note from stdin\nover two lines\n"))
    assert run(capsys, *pf, "note", "add", case_id[:8], "-")[0] == 0
    code, out, _ = run(capsys, *pf, "cases")
    assert code == 0 and "RJ-77" in out and "Referral" in out
    with Vault.open(made).unlock(PASSPHRASE) as vault:
        case = vault.open_case(vault.find_case("RJ-77"))
        texts = sorted(case.note_text(n.id) for n in case.notes())
        assert texts == ["a note from stdin\nover two lines\n", "first visit went well"]


def test_the_passphrase_file_can_come_from_the_environment(
    capsys: pytest.CaptureFixture[str],
    made: Path,
    passphrase_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RJFACIL_PASSPHRASE_FILE", str(passphrase_file))
    code, out, _ = run(capsys, "cases")
    assert code == 0
    assert "No cases yet" in out


def test_the_passphrase_is_never_taken_from_argv(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--passphrase", PASSPHRASE, "cases"], ["cases", "--passphrase", PASSPHRASE]):
        with pytest.raises(SystemExit):
            main(argv)
        assert PASSPHRASE not in capsys.readouterr().err


def test_common_options_work_after_the_command_too(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, passphrase_file: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    code, _, err = run(capsys, "demo", "--no-tui", "--data-dir", str(elsewhere))
    assert code == 0, err
    demo_passphrase = tmp_path / "demo.txt"
    demo_passphrase.write_text("rjfacil demo only\n")
    code, out, err = run(
        capsys,
        "--data-dir",
        str(tmp_path / "not-this-one"),
        "cases",
        "--data-dir",
        str(elsewhere),
        "--passphrase-file",
        str(demo_passphrase),
    )
    assert code == 0, err
    assert "RJ-2026-014" in out


def test_verify_passes_then_reports_a_damaged_file(
    capsys: pytest.CaptureFixture[str], made: Path, passphrase_file: Path
) -> None:
    pf = ["--passphrase-file", str(passphrase_file)]
    run(capsys, *pf, "case", "new", "--ref", "RJ-1")
    code, out, _ = run(capsys, *pf, "verify")
    assert code == 0 and "verified 1 cases" in out
    case_file = next((made / "cases").glob("*.rjv"))
    case_file.write_bytes(case_file.read_bytes()[:-3])
    code, out, _ = run(capsys, *pf, "verify")
    assert code == 1
    assert f"FAULT {case_file}" in out
    assert "damaged" in out
    code, out, _ = run(capsys, *pf, "verify", "--rebuild-index")
    assert "index rebuilt" in out


def test_passwd_changes_the_passphrase(
    capsys: pytest.CaptureFixture[str], made: Path, passphrase_file: Path, tmp_path: Path
) -> None:
    new_file = tmp_path / "new.txt"
    new_file.write_text("the new passphrase\n")
    code, _, err = run(
        capsys,
        "--passphrase-file",
        str(passphrase_file),
        "passwd",
        "--new-passphrase-file",
        str(new_file),
    )
    assert code == 0, err
    code, _, err = run(capsys, "--passphrase-file", str(passphrase_file), "cases")
    assert code == 1 and "Wrong passphrase" in err
    assert run(capsys, "--passphrase-file", str(new_file), "cases")[0] == 0


def test_passwd_prints_progress_and_a_new_recovery_code_that_works(
    capsys: pytest.CaptureFixture[str], made: Path, passphrase_file: Path, tmp_path: Path
) -> None:
    new_file = tmp_path / "new.txt"
    new_file.write_text("the new passphrase\n")
    argv = ["--passphrase-file", str(passphrase_file), "passwd"]
    code, out, err = run(capsys, *argv, "--new-passphrase-file", str(new_file))
    assert code == 0, err
    assert "re-encrypted" in err and "old recovery code no longer opens anything" in out
    recovery = next(line.strip() for line in out.splitlines() if line.count("-") == 7)
    code_file = tmp_path / "code.txt"
    code_file.write_text(recovery + "\n")
    newer = tmp_path / "newer.txt"
    newer.write_text("and another one\n")
    argv = ["passwd", "--recovery", "--recovery-code-file", str(code_file)]
    assert run(capsys, *argv, "--new-passphrase-file", str(newer))[0] == 0


def test_recovery_code_command_replaces_the_code(
    capsys: pytest.CaptureFixture[str], vault_home: Path, passphrase_file: Path, tmp_path: Path
) -> None:
    _, out, _ = run(capsys, "--passphrase-file", str(passphrase_file), "init", "--name", OWNER)
    first = next(line.strip() for line in out.splitlines() if line.count("-") == 7)
    code, out, err = run(capsys, "--passphrase-file", str(passphrase_file), "recovery-code")
    assert code == 0, err
    second = next(line.strip() for line in out.splitlines() if line.count("-") == 7)
    assert second != first
    code_file, new_file = tmp_path / "code.txt", tmp_path / "new.txt"
    new_file.write_text("remembered this time\n")
    argv = ["passwd", "--recovery", "--recovery-code-file", str(code_file)]
    argv += ["--new-passphrase-file", str(new_file)]
    code_file.write_text(first + "\n")
    code, _, err = run(capsys, *argv)
    assert code == 1 and "Wrong recovery code" in err
    code_file.write_text(second + "\n")
    assert run(capsys, *argv)[0] == 0


def test_passwd_recovery_sets_a_forgotten_passphrase(
    capsys: pytest.CaptureFixture[str], vault_home: Path, passphrase_file: Path, tmp_path: Path
) -> None:
    code, out, err = run(capsys, "--passphrase-file", str(passphrase_file), "init", "--name", OWNER)
    recovery = next(line.strip() for line in out.splitlines() if line.count("-") == 7)
    code_file, new_file = tmp_path / "code.txt", tmp_path / "new.txt"
    code_file.write_text("not the code\n")
    new_file.write_text("remembered this time\n")
    argv = ["passwd", "--recovery", "--recovery-code-file", str(code_file)]
    argv += ["--new-passphrase-file", str(new_file)]
    code, _, err = run(capsys, *argv)
    assert code == 1 and "recovery code" in err
    code_file.write_text(recovery + "\n")
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert "Passphrase set" in out
    assert run(capsys, "--passphrase-file", str(passphrase_file), "cases")[0] == 1
    assert run(capsys, "--passphrase-file", str(new_file), "cases")[0] == 0


def test_without_a_terminal_or_file_it_says_how_to_give_the_passphrase(
    capsys: pytest.CaptureFixture[str], made: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, _, err = run(capsys, "cases")
    assert code == 1
    assert "--passphrase-file" in err


def test_unknown_case_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], made: Path, passphrase_file: Path
) -> None:
    code, _, err = run(
        capsys, "--passphrase-file", str(passphrase_file), "note", "add", "RJ-NOPE", "x"
    )
    assert code == 1
    assert err.strip() == "rjfacil: No case 'RJ-NOPE'. 'rjfacil cases' lists them."


def _cli(*argv: str, home: Path, **kwargs) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RJFACIL_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "rjfacil", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        **kwargs,
    )


def test_expected_failures_are_one_line_without_traceback(
    made: Path, tmp_path: Path, passphrase_file: Path
) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not it\n")
    cases = [
        (_cli("--passphrase-file", str(wrong), "cases", home=made), "Wrong passphrase"),
        (_cli("cases", home=tmp_path / "nowhere"), "No vault at"),
        (
            _cli("--passphrase-file", str(tmp_path / "missing"), "cases", home=made),
            "Cannot read the passphrase file",
        ),
    ]
    for result, expected in cases:
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0], result.stderr


def test_a_second_process_is_refused_while_the_vault_is_open(
    made: Path, passphrase_file: Path
) -> None:
    with Vault.open(made).unlock(PASSPHRASE):
        result = _cli("--passphrase-file", str(passphrase_file), "cases", home=made)
    assert result.returncode == 1
    assert "open in another rjfacil" in result.stderr
    assert f"pid {os.getpid()}" in result.stderr
    assert "Traceback" not in result.stderr


def test_checklists_validate_reports_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "mine.toml"
    bad.write_text('[checklist]\nid = "mine"\ntitle = "Mine"\n[[items]\n')
    result = _cli("checklists", "validate", str(bad), home=tmp_path)
    assert result.returncode == 1
    assert "mine.toml" in result.stderr and "TOML" in result.stderr
    good = _cli("checklists", "validate", home=tmp_path)
    assert good.returncode == 0, good.stderr


def test_demo_creates_a_vault_of_fictional_cases(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # In this process, so the demo vault takes the tests' cheap key derivation; the
    # `python -m rjfacil` entry point is run by the tests above.
    home = tmp_path / "demo"
    code, _, err = run(capsys, "--data-dir", str(home), "demo", "--no-tui")
    assert code == 0, err
    from rjfacil.cli import DEMO_PASSPHRASE

    with Vault.open(home).unlock(DEMO_PASSPHRASE) as vault:
        rows = vault.list_cases()
        assert len(rows) >= 5
        flags = {flag for row in rows for flag in row.flags}
        assert "sensitive_complex" in flags
        stages = {row.stage.value for row in rows}
        assert {"assessment", "preparation", "communication", "follow_up", "closed"} <= stages
        cases = [vault.open_case(row.id) for row in rows]
        assert any(c.case.co_worker for c in cases)
        people = {
            (c.person_name(c.case.co_worker), c.person_name(c.case.case_supervisor)) for c in cases
        }
        assert ("Priya Shah", "Dana Whitfield") in people
        assert any(lt.status.value == "under_review" for c in cases for lt in c.letters)
        assert any(c.actions for c in cases if c.case.stage.value == "follow_up")
        by_whom = {c.person_name(a.by_whom) for c in cases for a in c.actions}
        assert {"Chris Parry", vault.owner.name} <= by_whom
        shared = [c.person_name(pid) for c in cases for x in c.consents() for pid in x.share_with]
        assert shared == ["Jordan Lee"]
        # A co-worker's case file was merged: her note, and one value set aside to review.
        merged = next(c for c in cases if c.case.reference == "RJ-2026-009")
        assert any(c.author(n.created_by) == "Priya Shah" for c in [merged] for n in c.notes())
        assert len(merged.conflicts()) == 1
        assert merged.chain_problems() == []
    code, out, _ = run(capsys, "--data-dir", str(home), "demo", "--no-tui")
    assert code == 0 and "Reusing" in out


def test_three_wrong_passphrases_end_the_attempt(
    capsys: pytest.CaptureFixture[str], made: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(
        "getpass.getpass", lambda prompt: asked.append(prompt) or "wrong passphrase"
    )
    code, _, err = run(capsys, "cases")
    assert code == 1
    assert len(asked) == 3
    assert err.count("Wrong passphrase") == 2
    assert err.strip().endswith(
        "Three wrong attempts: the vault stays locked. Start again to retry."
    )
    # The vault was released: a right passphrase works straight after.
    monkeypatch.setattr("getpass.getpass", lambda prompt: PASSPHRASE)
    assert run(capsys, "cases")[0] == 0


def test_the_app_ending_the_attempt_makes_rjfacil_exit_non_zero(
    made: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three wrong passphrases in the app: the shell sees exit status 1, as with the CLI."""
    import screens.app

    class EndedApp:
        def __init__(self, **_kwargs: object) -> None:
            self.return_code: int | None = None

        def run(self) -> None:
            self.return_code = 1  # what RjfacilApp.exit(return_code=1) leaves

    monkeypatch.setattr(screens.app, "RjfacilApp", EndedApp)
    assert main(["--data-dir", str(made)]) == 1


def test_case_restore_puts_the_newest_good_backup_back(
    capsys: pytest.CaptureFixture[str], made: Path, passphrase_file: Path
) -> None:
    pf = ["--passphrase-file", str(passphrase_file)]
    run(capsys, *pf, "case", "new", "--ref", "RJ-5")
    assert run(capsys, *pf, "note", "add", "RJ-5", "the first visit")[0] == 0
    assert run(capsys, *pf, "note", "add", "RJ-5", "the second visit")[0] == 0
    case_file = next((made / "cases").glob("*.rjv"))
    case_file.write_bytes(case_file.read_bytes()[:-3])  # the last save is damaged
    code, out, err = run(capsys, *pf, "case", "restore", "RJ-5")
    assert code == 0, err
    assert "Restored" in out
    assert run(capsys, *pf, "verify")[0] == 0
    with Vault.open(made).unlock(PASSPHRASE) as vault:
        case = vault.open_case(vault.find_case("RJ-5"))
        assert sorted(case.note_texts().values()) == ["the first visit"]


def test_case_restore_without_a_good_backup_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], made: Path, passphrase_file: Path
) -> None:
    pf = ["--passphrase-file", str(passphrase_file)]
    run(capsys, *pf, "case", "new", "--ref", "RJ-6")
    code, _, err = run(capsys, *pf, "case", "restore", "RJ-6")
    assert code == 1
    assert err.count("\n") == 1 and "No good backup" in err


def test_ctrl_d_at_the_passphrase_prompt_stops_cleanly(
    capsys: pytest.CaptureFixture[str], made: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import getpass

    def end_of_input(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(getpass, "getpass", end_of_input)
    code, _, err = run(capsys, "cases")
    assert code == 1
    assert "nothing was changed" in err and "Traceback" not in err


def test_every_command_s_help_ends_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    from rjfacil.cli import _commands, build_parser

    commands = dict(_commands(build_parser()))
    groups = {"case", "note", "participant", "bundle", "checklists", "supervision", "conflicts"}
    assert set(commands) - groups  # the walk found the commands
    for words in sorted(set(commands) - groups):
        with pytest.raises(SystemExit):
            main([*words.split(), "--help"])
        out = capsys.readouterr().out
        assert "example:\n  rjfacil " + words.split()[0] in out, words


def test_case_stage_holds_at_a_missing_go_ahead_until_a_reason_is_given(
    capsys: pytest.CaptureFixture[str], made: Path, passphrase_file: Path
) -> None:
    """The case view's gate, on the command line: a move into assessment without the
    go-ahead before first contact (A 2(a) 2), or into communication on a direct process
    without the go-aheads before direct communication and a meeting (A 2(a) 6-8), needs
    --because, which the history records; closing never does."""
    from rjfacil.views.history import case_history
    from rjfacil.vocab import ClosureReason, Stage

    assert [s.value.replace("_", "-") for s in Stage] == list(cli_choices("STAGE"))
    assert [r.value.replace("_", "-") for r in ClosureReason] == list(cli_choices("CLOSURE"))
    pf = ["--passphrase-file", str(passphrase_file)]
    assert run(capsys, *pf, "case", "new", "--ref", "RJ-78")[0] == 0
    code, out, err = run(capsys, *pf, "case", "stage", "RJ-78", "assessment")
    assert code == 1 and out == ""
    assert err.strip() == (
        "rjfacil: Not moved on: No go-ahead recorded before first contact. Resolve it first, "
        "or give the reason for going on with --because (it is recorded in the case's history)."
    )
    code, out, err = run(
        capsys, *pf, "case", "stage", "RJ-78", "assessment", "--because", "Referrer spoke to both"
    )
    assert code == 0, err
    assert out.strip() == "Case RJ-78 is now at: Assessment"
    code, _, err = run(capsys, *pf, "case", "stage", "RJ-78", "communication", "--because", "x y")
    assert code == 0, err
    code, out, err = run(
        capsys, *pf, "case", "stage", "RJ-78", "closed", "--closure-reason", "completed"
    )
    assert code == 0, err
    assert out.strip() == "Case RJ-78 is now at: Closed: completed"
    with Vault.open(made).unlock(PASSPHRASE) as vault:
        case = vault.open_case(vault.find_case("RJ-78"))
        said = [entry.what for entry in case_history(case)]
    assert said[1] == (
        "Changed the stage from Assessment to Communication, although no go-ahead was "
        "recorded before first contact or before any direct communication or before a "
        "meeting; the reason given: x y"
    )


def cli_choices(kind: str) -> tuple[str, ...]:
    from rjfacil import cli

    return tuple(getattr(cli, f"{kind}_CHOICES"))


_WORDS = st.sampled_from(
    [
        "--data-dir",
        "--passphrase-file",
        "/x",
        "--data-dir=/y",
        "--data",
        "cases",
        "demo",
        "--no-tui",
        "--help",
        "-h",
        "--version",
        "--",
        "-x",
    ]
)


@given(st.lists(_WORDS, max_size=5))
def test_the_app_starts_with_the_arguments_the_full_parser_would_give_it(argv: list[str]) -> None:
    """Starting the app reads its few options without building every command's parser;
    whatever it accepts, the full parser reads the same way (anything else goes there)."""
    quick = _tui_arguments(argv)
    if quick is not None:
        assert vars(quick) == vars(_FULL_PARSER.parse_args(argv))


_FULL_PARSER = build_parser()  # once: building it is what the app's start now skips
