"""The command line. ``rjfacil`` alone starts the TUI (the only place that imports screens).

Passphrases come from the terminal, or from a file named by --passphrase-file or
RJFACIL_PASSPHRASE_FILE; never from argv. Every expected failure is one line on stderr and
a non-zero exit.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from rjfacil import __version__
from rjfacil.errors import RjfacilError, TooManyAttempts, WrongPassphrase
from rjfacil.sanitize import visible
from rjfacil.views.labels import row_flag_labels, stage_label

ATTEMPTS = 3


class CliError(RjfacilError):
    """A usage problem found by the CLI itself."""


def _home(args: argparse.Namespace) -> Path:
    from rjfacil.paths import data_dir

    return Path(args.data_dir).expanduser() if args.data_dir else data_dir()


def _passphrase_file(args: argparse.Namespace) -> Path | None:
    named = getattr(args, "passphrase_file", None) or os.environ.get("RJFACIL_PASSPHRASE_FILE")
    return Path(named).expanduser() if named else None


def _read_secret_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CliError(f"Cannot read the passphrase file {path}: {error.strerror}.") from None
    return text.splitlines()[0] if text else ""


def _ask(prompt: str) -> str:
    if not sys.stdin.isatty():
        raise CliError(
            "No terminal to ask for the passphrase: use --passphrase-file FILE "
            "or RJFACIL_PASSPHRASE_FILE."
        )
    return getpass.getpass(prompt)


def _new_passphrase(args: argparse.Namespace, file_option: Path | None) -> str:
    if file_option:
        return _read_secret_file(file_option)
    first = _ask("New passphrase: ")
    if _ask("The same passphrase again: ") != first:
        raise CliError("The two passphrases differ; nothing was changed.")
    return first


def _unlock(args: argparse.Namespace, recovery: bool = False):  # -> Vault (imported lazily)
    """Open the vault with the passphrase, or with the recovery code (``passwd --recovery``)."""
    from rjfacil.workspace import Vault

    door = Vault.open(_home(args))
    open_with = door.unlock_with_recovery if recovery else door.unlock
    prompt = "Recovery code: " if recovery else "Passphrase: "
    try:
        if recovery:
            named = args.recovery_code_file
            path = Path(named).expanduser() if named else None
        else:
            path = _passphrase_file(args)
        if path:
            return open_with(_read_secret_file(path))
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return open_with(_ask(prompt))
            except WrongPassphrase as error:
                if attempt == ATTEMPTS:
                    raise TooManyAttempts() from None
                print(str(error), file=sys.stderr)
        raise TooManyAttempts()
    except BaseException:
        door.release()
        raise


def cmd_init(args: argparse.Namespace) -> int:
    from rjfacil.workspace import Vault

    home = _home(args)
    name = args.name
    if not name:
        if not sys.stdin.isatty():
            raise CliError("Give your name with --name (as your co-workers know you).")
        name = input("Your name, as your co-workers know you: ")
    passphrase = _new_passphrase(args, _passphrase_file(args))
    print("Creating the vault (tuning the key derivation to this machine)...", file=sys.stderr)
    vault, recovery = Vault.create(home, passphrase, name)
    vault.close()
    print(f"Vault created at {home}")
    print()
    print("Your recovery code (shown once; write it down and keep it somewhere safe,")
    print("apart from this laptop. It opens the vault if the passphrase is forgotten):")
    print()
    print(f"    {recovery}")
    print()
    return 0


def cmd_cases(args: argparse.Namespace) -> int:
    with _unlock(args) as vault:
        rows = vault.list_cases()
        if not rows:
            print("No cases yet. 'rjfacil case new --ref REF' creates one.")
        for row in rows:
            due = f"{row.next_deadline} {row.deadline_label}" if row.next_deadline else "-"
            flags = ", ".join(row_flag_labels(row)) or "-"
            answered = f"{row.stage_answered}/{row.stage_total}" if row.stage_total else "-"
            print(
                f"{str(row.id)[:8]}  {visible(row.reference, single_line=True):<16} "
                f"{stage_label(row.stage):<18} {answered:>7}  {flags:<40} "
                f"{visible(due, single_line=True)}"
            )
    return 0


def cmd_case_new(args: argparse.Namespace) -> int:
    with _unlock(args) as vault:
        case = vault.new_case(args.ref)
        print(case.id)
    return 0


def cmd_case_restore(args: argparse.Namespace) -> int:
    with _unlock(args) as vault:
        case_id = vault.find_case(args.case)
        backup = vault.restore_case_backup(case_id)
        vault.open_case(case_id)  # it decrypts and validates: say so only then
    print(f"Restored {case_id} from {backup}; the file it replaced is kept among the backups.")
    return 0


def cmd_note_add(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    with _unlock(args) as vault:
        case = vault.open_case(vault.find_case(args.case))
        note = case.add_note(text, private=args.private)
        print(note.id)
    return 0


def cmd_whoami(args: argparse.Namespace) -> int:
    with _unlock(args) as vault:
        print(f"Name:         {visible(vault.owner.name, single_line=True)}")
        print(f"Facilitator:  {vault.owner.id}")
        print(f"Recipient:    {vault.recipient}")
    print("Give co-workers the recipient (age1...) so they can send you case files.")
    return 0


def _share_passphrase(args: argparse.Namespace, twice: bool) -> str:
    named = getattr(args, "share_passphrase_file", None)
    if named:
        return _read_secret_file(Path(named).expanduser())
    first = _ask("Share passphrase: ")
    if twice and _ask("The same share passphrase again: ") != first:
        raise CliError("The two share passphrases differ; nothing was exported.")
    return first


def cmd_bundle_export(args: argparse.Namespace) -> int:
    out = Path(args.out).expanduser()
    passphrase = None if args.to else _share_passphrase(args, twice=True)
    with _unlock(args) as vault:
        case_id = vault.find_case(args.case)
        left_out = vault.export_bundle(case_id, out, recipients=args.to, passphrase=passphrase)
        reference = vault.open_case(case_id).case.reference
    to = f"{len(args.to)} recipient(s)" if args.to else "a share passphrase"
    print(f"Exported case {visible(reference, single_line=True)} to {out}, encrypted to {to}.")
    if left_out:
        print(f"{left_out} private note(s) stayed in this vault.")
    return 0


def cmd_bundle_import(args: argparse.Namespace) -> int:
    from rjfacil.errors import BundleError

    source = Path(args.file).expanduser()
    passphrase = (
        _share_passphrase(args, twice=False)
        if getattr(args, "share_passphrase_file", None)
        else None
    )
    with _unlock(args) as vault:
        try:
            bundle = vault.read_bundle(source, passphrase)
        except BundleError as error:
            if error.reason != "needs-passphrase" or passphrase is not None:
                raise
            if not sys.stdin.isatty():
                raise CliError(f"{error} (In a script: --share-passphrase-file FILE.)") from None
            bundle = vault.read_bundle(source, _share_passphrase(args, twice=False))
        preview = vault.preview_import(bundle)
        if args.dry_run:
            print("Nothing was written (--dry-run).")
        else:
            vault.import_bundle(preview)
    for line in preview.lines():
        print(line)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    with _unlock(args) as vault:
        report = vault.verify(rebuild_index=args.rebuild_index)
    for line in report.notes:
        print(line)
    for fault in report.faults:
        print(f"FAULT {visible(fault, single_line=True)}")
    if report.ok:
        print(f"verified {report.checked} cases: every file decrypts and every history is intact")
        return 0
    print(f"verify found {len(report.faults)} fault(s) in {report.checked} cases", file=sys.stderr)
    return 1


def cmd_passwd(args: argparse.Namespace) -> int:
    with _unlock(args, recovery=args.recovery) as vault:
        new_file = Path(args.new_passphrase_file).expanduser() if args.new_passphrase_file else None
        if args.recovery:  # the passphrase is forgotten: no old one to give
            vault.reset_passphrase(_new_passphrase(args, new_file))
        else:
            old_file = _passphrase_file(args)
            old = _read_secret_file(old_file) if old_file else _ask("Current passphrase again: ")
            vault.change_passphrase(old, _new_passphrase(args, new_file))
    print(f"Passphrase {'set' if args.recovery else 'changed'}. The recovery code still works.")
    return 0


def cmd_checklists_validate(args: argparse.Namespace) -> int:
    from rjfacil.checklists.load import validate_files

    problems = validate_files([Path(p) for p in args.files])
    for problem in problems:
        print(visible(problem, single_line=True), file=sys.stderr)
    if problems:
        return 1
    print("checklists valid" + (f": {', '.join(args.files)}" if args.files else ""))
    return 0


DEMO_PASSPHRASE = "rjfacil demo only"


def cmd_demo(args: argparse.Namespace) -> int:
    from rjfacil.demo import ensure_demo_vault
    from rjfacil.paths import demo_dir

    home = Path(args.data_dir).expanduser() if args.data_dir else demo_dir()
    created = ensure_demo_vault(home, DEMO_PASSPHRASE)
    print(f"{'Created' if created else 'Reusing'} the demo vault at {home}")
    print(f"Its passphrase is: {DEMO_PASSPHRASE}")
    if args.no_tui:
        return 0
    return _run_tui(home, demo_passphrase=DEMO_PASSPHRASE)


def _run_tui(home: Path, demo_passphrase: str | None = None) -> int:
    from screens.app import RjfacilApp  # the one lazy import of the UI

    app = RjfacilApp(home=home, demo_passphrase=demo_passphrase)
    app.run()
    return app.return_code or 0  # three wrong passphrases end the attempt with 1


def cmd_tui(args: argparse.Namespace) -> int:
    return _run_tui(_home(args))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse repeats unknown arguments back; one of them may be a mistyped passphrase.
        if message.startswith("unrecognized arguments"):
            message = (
                "unrecognized arguments (see --help). Passphrases never go on the command line."
            )
        elif "invalid choice: " in message:  # "rjfacil --passphrase SECRET cases"
            where, _, rest = message.partition("invalid choice: ")
            choices = rest[rest.rfind(" (choose from ") :] if " (choose from " in rest else ""
            message = f"{where}unknown choice{choices}. Passphrases never go on the command line."
        super().error(message)


def _group(sub, name: str, help_: str):  # -> the group's own subparsers
    group = sub.add_parser(name, help=help_, description=help_)
    group.set_defaults(func=lambda _args: _usage(group))
    return group.add_subparsers(metavar="ACTION")


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    return 2


def _add_common(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--data-dir", metavar="DIR", default=default, help="the vault folder (or RJFACIL_HOME)"
    )
    parser.add_argument(
        "--passphrase-file",
        metavar="FILE",
        default=default,
        help="read the passphrase from FILE (for scripts)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="rjfacil",
        description="A terminal companion for restorative justice facilitators.",
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"rjfacil {__version__}")
    _add_common(parser, default=None)
    # The same options after the command too ("rjfacil demo --data-dir X"); SUPPRESS keeps a
    # value given before the command when none is given after it.
    common = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    _add_common(common, default=argparse.SUPPRESS)
    parser.set_defaults(func=cmd_tui)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], int], help_: str, parent=sub):
        command = parent.add_parser(
            name, help=help_, description=help_, allow_abbrev=False, parents=[common]
        )
        command.set_defaults(func=func)
        return command

    init = add("init", cmd_init, "create a vault; prints the recovery code once")
    init.add_argument("--name", help="your name, as your co-workers know you")
    demo = add("demo", cmd_demo, "create (or reuse) a demo vault of fictional cases and open it")
    demo.add_argument("--no-tui", action="store_true", help="only create the demo vault")
    add("cases", cmd_cases, "list cases")
    case = _group(sub, "case", "work on cases")
    new = add("new", cmd_case_new, "create a case; prints its id", case)
    new.add_argument("--ref", required=True, help="the case reference")
    restore = add(
        "restore", cmd_case_restore, "put a case's newest good backup in place of its file", case
    )
    restore.add_argument("case", help="the case id (or its start) or reference")
    note = _group(sub, "note", "work on notes")
    note_add = add("add", cmd_note_add, "add a note to a case", note)
    note_add.add_argument("case", help="the case id (or its start) or reference")
    note_add.add_argument("text", help="the note text, or - to read it from standard input")
    note_add.add_argument("--private", action="store_true", help="private to you: never shared")
    add("whoami", cmd_whoami, "this vault's owner and age recipient, to give to co-workers")
    bundle = _group(sub, "bundle", "case files for co-workers")
    export = add("export", cmd_bundle_export, "write a case as an age file for co-workers", bundle)
    export.add_argument("case", help="the case id (or its start) or reference")
    export.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    export.add_argument(
        "--to",
        action="append",
        metavar="RECIPIENT",
        help="a co-worker's age recipient (age1...); repeat for several; "
        "without it, a share passphrase is asked for",
    )
    export.add_argument(
        "--share-passphrase-file", metavar="FILE", help="read the share passphrase from FILE"
    )
    imp = add("import", cmd_bundle_import, "import a co-worker's case file and merge it", bundle)
    imp.add_argument("file", help="the age file")
    imp.add_argument(
        "--share-passphrase-file", metavar="FILE", help="read the share passphrase from FILE"
    )
    imp.add_argument(
        "--identity-from-vault",
        default="default",
        metavar="NAME",
        help="decrypt with this vault's own age identity (the default)",
    )
    imp.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    verify = add("verify", cmd_verify, "decrypt every file and check every history")
    verify.add_argument("--rebuild-index", action="store_true", help="rebuild the case list")
    passwd = add("passwd", cmd_passwd, "change the passphrase")
    passwd.add_argument(
        "--new-passphrase-file", metavar="FILE", help="read the new passphrase from FILE"
    )
    passwd.add_argument(
        "--recovery",
        action="store_true",
        help="the passphrase is forgotten: unlock with the recovery code and set a new one",
    )
    passwd.add_argument(
        "--recovery-code-file", metavar="FILE", help="with --recovery: read the code from FILE"
    )
    checklists = _group(sub, "checklists", "checklist files")
    validate = add("validate", cmd_checklists_validate, "check checklist files", checklists)
    validate.add_argument("files", nargs="*", help="files to check (default: all in use)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except RjfacilError as error:
        print(f"rjfacil: {visible(str(error), single_line=True)}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except EOFError:  # Ctrl+D at a prompt: the facilitator chose not to answer
        print("\nrjfacil: stopped; nothing was changed.", file=sys.stderr)
        return 1
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        print(f"rjfacil: {error.strerror or error}{where}.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
