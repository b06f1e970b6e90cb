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
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeAlias
from uuid import UUID

from rich.console import Console
from rich.text import Text

from rjfacil import __version__
from rjfacil.errors import RjfacilError, TooManyAttempts, WrongPassphrase, os_cause
from rjfacil.sanitize import visible
from rjfacil.views.dates import show_day

if TYPE_CHECKING:  # imported lazily at run time: building the parser imports nothing more
    from rjfacil.commands.casefile import CaseFile
    from rjfacil.workspace import Vault

ATTEMPTS = 3
# As rjfacil.vocab's Stage and ClosureReason (a test keeps them in step), written out so
# building the parser imports nothing more.
STAGE_CHOICES = (
    "referral",
    "assessment",
    "preparation",
    "communication",
    "agreement",
    "follow-up",
    "closed",
    "withdrawn",
)
CLOSURE_CHOICES = (
    "completed",
    "declined-by-person-harmed",
    "declined-by-person-responsible",
    "withdrew-person-harmed",
    "withdrew-person-responsible",
    "assessed-unsuitable",
    "unable-to-contact",
    "referred-elsewhere",
)
ROLE_CHOICES = (
    "person-harmed",
    "person-responsible",
    "supporter",
    "community-member",
    "professional",
    "observer",
)


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
        raise CliError(f"Cannot read the passphrase file {path}: {os_cause(error)}.") from None
    except UnicodeDecodeError:
        raise CliError(f"The passphrase file {path} is not UTF-8 text; save it as UTF-8.") from None
    return text.splitlines()[0] if text else ""


# A note's longest text (the case model's limit), in UTF-8 bytes at most four per character.
NOTE_MAX_CHARS = 1_000_000
_CHUNK = 64 * 1024


def _read_note_stdin() -> str:
    """The note text from standard input, refused as soon as it is longer than a note may be.

    Read in chunks, so a huge pipe costs at most the limit in memory, not its whole size.
    """
    stream = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
    limit = NOTE_MAX_CHARS * 4
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(_CHUNK) if stream is not None else sys.stdin.read(_CHUNK).encode()
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise CliError(f"The note is too long (at most {NOTE_MAX_CHARS:,} characters).")
        chunks.append(chunk)
    try:
        text = b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError:
        raise CliError("The note text is not UTF-8; nothing was saved.") from None
    if len(text) > NOTE_MAX_CHARS:
        raise CliError(f"The note is too long (at most {NOTE_MAX_CHARS:,} characters).")
    return text


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


RESUMING = (
    "A passphrase change was interrupted: finishing or undoing it now (every file is re-encrypted)."
)


def _unlock(args: argparse.Namespace, recovery: bool = False) -> Vault:
    """Open the vault with the passphrase, or with the recovery code (``passwd --recovery``)."""
    from rjfacil.workspace import Vault

    door = Vault.open(_home(args))
    prompt = "Recovery code: " if recovery else "Passphrase: "
    slow = door.unlock_is_slow(recovery)

    def open_with(secret: str) -> Vault:
        if slow:  # a sign of life before seconds of key derivation (the stored settings)
            print("Unlocking the vault…", file=sys.stderr, flush=True)
        said: list[bool] = []

        def progress(done: int, total: int) -> None:
            if not said:  # only once the secret opened a slot: a wrong one re-encrypts nothing
                said.append(True)
                print(RESUMING, file=sys.stderr, flush=True)
            _progress(done, total)

        if recovery:
            return door.unlock_with_recovery(secret, progress)
        return door.unlock(secret, progress)

    try:
        if recovery:
            named = args.recovery_code_file
            path = Path(named).expanduser() if named else None
        else:
            path = _passphrase_file(args)
        if path:
            return _said(open_with(_read_secret_file(path)))
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return _said(open_with(_ask(prompt)))
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
    Vault.check_new_folder(home)  # before asking for anything
    name = args.name
    if not name:
        if not sys.stdin.isatty():
            raise CliError("Give your name with --name (as your co-workers know you).")
        name = input("Your name, as your co-workers know you: ")
    passphrase = _new_passphrase(args, _passphrase_file(args))
    print("Creating the vault (tuning the key derivation to this machine)...", file=sys.stderr)
    vault, recovery = Vault.create(home, passphrase, name, shown_later=True)
    with vault:
        print(f"Vault created at {home}")
        print()
        print("Your recovery code (shown once; write it down and keep it somewhere safe,")
        print("apart from this laptop. It opens the vault if the passphrase is forgotten):")
        print()
        print(f"    {recovery}", flush=True)
        vault.recovery_code_shown()
    print()
    return 0


def cmd_cases(args: argparse.Namespace) -> int:
    from rich.table import Table

    from rjfacil.views.labels import row_flag_labels, stage_label

    with _unlock(args) as vault:
        rows = vault.list_cases()
    if not rows:
        print("No cases yet. 'rjfacil case new --ref REF' creates one.")
        return 0
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for heading in ("Reference", "Stage", "Answered", "Flags", "Next date"):
        table.add_column(heading, justify="right" if heading == "Answered" else "left")
    for row in rows:
        due = f"{show_day(row.next_deadline)} {row.deadline_label}" if row.next_deadline else "-"
        answered = f"{row.stage_answered}/{row.stage_total}" if row.stage_total else "-"
        table.add_row(
            *(
                Text(visible(cell, single_line=True))
                for cell in (
                    row.reference,
                    stage_label(row.stage),
                    answered,
                    ", ".join(row_flag_labels(row)) or "-",
                    due,
                )
            )
        )
    _console().print(table)
    return 0


def cmd_due(args: argparse.Namespace) -> int:
    from rich.table import Table

    from rjfacil.settings import load_settings

    with _unlock(args) as vault:
        items = vault.due(load_settings())
    if not items:
        print("Nothing is due.")
        return 0
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for heading in ("Date", "When", "Case", "Kind", "What"):
        table.add_column(heading)
    for item in items:
        cells = (
            show_day(item.when),
            item.status,
            item.reference or "-",
            item.kind.label,
            item.what,
        )
        table.add_row(*(Text(visible(cell, single_line=True)) for cell in cells))
    _console().print(table)
    return 0


def cmd_supervision_list(args: argparse.Namespace) -> int:
    from rich.table import Table

    from rjfacil.views.due import supervision_lines

    with _unlock(args) as vault:
        lines = supervision_lines(vault.supervision_sessions(), vault.list_cases())
    if not lines:
        print("No supervision sessions yet. 'rjfacil supervision add' records one.")
        return 0
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for heading in ("No.", "Date", "Supervisor", "Cases discussed", "Agreed"):
        table.add_column(heading)
    for number, line in enumerate(lines, start=1):
        cells = (str(number), line.day, line.supervisor, line.cases or "-", line.agreed or "-")
        table.add_row(*(Text(visible(cell, single_line=True)) for cell in cells))
    _console().print(table)
    return 0


def cmd_supervision_edit(args: argparse.Namespace) -> int:
    from datetime import date

    try:
        held_on = date.fromisoformat(args.on) if args.on else None
    except ValueError:
        raise CliError(f"--on {args.on!r}: give the day as YYYY-MM-DD.") from None
    agreed = None
    if args.agreed:
        if sys.stdin.isatty():
            print("What was agreed (end with Ctrl+D on a line of its own):", file=sys.stderr)
        agreed = _read_note_stdin()
    with _unlock(args) as vault:
        vault.check_writable()
        sessions = vault.supervision_sessions()
        if not 1 <= args.number <= len(sessions):
            raise CliError(
                f"There are {len(sessions)} supervision session(s): "
                "'rjfacil supervision list' numbers them."
            )
        session = sessions[args.number - 1]
        case_ids = session.case_ids
        if args.case is not None:
            case_ids = [vault.find_case(each) for each in args.case]
        edited = vault.update_supervision_session(
            session.id,
            held_on or session.held_on,
            args.supervisor or session.supervisor,
            case_ids,
            session.agreed if agreed is None else agreed,
        )
    print(
        _line(f"Saved supervision with {edited.supervisor} on {show_day(edited.held_on)}."),
        file=sys.stderr,
    )
    return 0


def cmd_supervision_add(args: argparse.Namespace) -> int:
    from datetime import date

    from rjfacil import clock

    interactive = sys.stdin.isatty()
    supervisor = args.supervisor or ""
    if not supervisor:
        if not interactive:
            raise CliError("Name the supervisor with --supervisor NAME.")
        supervisor = input("Supervisor: ")
    try:
        held_on = date.fromisoformat(args.on) if args.on else clock.today()
    except ValueError:
        raise CliError(f"--on {args.on!r}: give the day as YYYY-MM-DD.") from None
    if interactive:
        print("What was agreed (end with Ctrl+D on a line of its own):", file=sys.stderr)
    agreed = _read_note_stdin()
    with _unlock(args) as vault:
        case_ids = [vault.find_case(each) for each in args.case or []]
        session = vault.add_supervision_session(held_on, supervisor, case_ids, agreed)
    print(
        _line(f"Recorded supervision with {session.supervisor} on {show_day(session.held_on)}."),
        file=sys.stderr,
    )
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from rich.table import Table

    from rjfacil.views.labels import search_where_label

    with _unlock(args) as vault:
        hits = list(vault.search(args.text))
    if not hits:
        raise CliError(f"Nothing found for {args.text!r}.")
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for heading in ("Case", "Found in", "Text"):
        table.add_column(heading)
    for hit in hits:
        cells = (hit.reference, search_where_label(hit.where), hit.excerpt)
        table.add_row(*(Text(visible(cell, single_line=True)) for cell in cells))
    _console().print(table)
    return 0


def _console() -> Console:
    """Plain text on stdout (user text is never markup); as wide as the terminal, or
    wide enough not to fold lines when piped to a file or another program."""
    return Console(
        markup=False,
        highlight=False,
        emoji=False,
        width=None if sys.stdout.isatty() else 200,
    )


def cmd_case_new(args: argparse.Namespace) -> int:
    with _unlock(args) as vault:
        case = vault.new_case(args.ref)
        print(case.id)  # alone on stdout, for scripts
        print(_line(f"Created case {case.case.reference}."), file=sys.stderr)
    return 0


def cmd_case_restore(args: argparse.Namespace) -> int:
    with _unlock(args) as vault:
        case_id = vault.find_case(args.case)
        restored = vault.restore_case_backup(case_id)
        # It decrypts and validates: say so only then.
        reference = _line(vault.open_case(case_id).case.reference)
    if restored.kept:
        print(
            f"Case {reference} kept as it is: no backup is newer than its file. "
            "The vault now records it as the case's current version."
        )
    else:
        print(
            f"Restored case {reference} from its newest good backup; "
            "the file it replaced (if any) is kept among the backups."
        )
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    with _unlock(args) as vault:
        vault.check_writable()
        case_id = vault.find_case(args.case)
        typed = args.confirm
        if typed is None:
            reference = _line(vault.open_case(case_id).case.reference)
            print(
                f"Deleting case {reference} removes its file and every backup of it for good. "
                "Type its reference to delete it:",
                file=sys.stderr,
                flush=True,
            )
            typed = sys.stdin.readline(1024).rstrip("\r\n")
        deleted = vault.delete_case(case_id, typed)
    print(f"Deleted case {_line(deleted)}: its file, its backups and its row in the case list.")
    return 0


def cmd_restore_file(args: argparse.Namespace) -> int:
    from rjfacil.vault.door import restore_header
    from rjfacil.workspace import Vault

    home = _home(args)
    if args.file == "vault.json":
        backup = restore_header(home)
    else:
        door = Vault.open(home)
        try:
            door.check_writable()  # before the passphrase is asked
            named = _passphrase_file(args)
            passphrase = _read_secret_file(named) if named else _ask("Passphrase: ")
            backup = door.restore_profile_with(passphrase)
        finally:
            door.release()
    print(f"Restored {args.file} from {backup}; the file it replaced is kept among the backups.")
    return 0


def _line(text: str) -> str:
    return visible(text, single_line=True)


def _open_case(vault: Vault, ref: str) -> CaseFile:
    return vault.open_case(vault.find_case(ref))


def _participants(case: CaseFile, names: Sequence[str] | None) -> list[UUID]:
    return [case.find_participant(name) for name in names or ()]


def cmd_note_add(args: argparse.Namespace) -> int:
    from rjfacil.casedoc.model import NoteSource, ShareHow

    text = _read_note_stdin() if args.text == "-" else args.text
    with _unlock(args) as vault:
        case = _open_case(vault, args.case)
        about = case.find_participant(args.about) if args.about else None
        if args.from_participant and about is None:
            raise CliError("--from-participant needs --about: whom the note came from.")
        share_with = _participants(case, args.share_with)
        how = ShareHow(args.share_how.replace("-", "_")) if share_with else ShareHow.NOT_SHARED
        note = case.add_note(
            text,
            participant_id=about,
            source=NoteSource.FROM_PARTICIPANT
            if args.from_participant
            else NoteSource.FACILITATOR_ASSESSMENT,
            share_with=share_with,
            share_how=how,
            private=args.private,
        )
        print(note.id)  # alone on stdout, for scripts
        print(_line(f"Added a note to {case.case.reference}."), file=sys.stderr)
    return 0


def cmd_note_list(args: argparse.Namespace) -> int:
    from rjfacil.views.dates import show_when
    from rjfacil.views.labels import note_source_label, share_how_label

    with _unlock(args) as vault:
        case = _open_case(vault, args.case)
        about = case.find_participant(args.about) if args.about else None
        notes = case.notes(participant_id=about)
        texts = case.note_texts()
        reference = _line(case.case.reference)
        whom = f" about {_line(case.participant_label(about))}" if about else ""
        if not notes:
            print(f"No notes{whom} in case {reference}.")
            return 0
        count = f"{len(notes)} note{'s' if len(notes) != 1 else ''}"
        print(f"Case {reference}: {count}{whom}, newest first")
        for note in notes:
            print()
            parts = [show_when(note.created_at), f"by {case.author(note.created_by)}"]
            parts.append(f"about {case.participant_label(note.participant_id)}")
            parts.append(note_source_label(note.source).lower())
            parts.append(f"note {str(note.id)[:8]}")
            print(_line(" · ".join(parts)))
            if note.private:
                print("  PRIVATE: only for you; never exported or shared")
                print(
                    _line(f"  (to release it: rjfacil note release {reference} {str(note.id)[:8]})")
                )
            elif note.share_with:
                names = ", ".join(case.person_name(p) for p in note.share_with)
                print(_line(f"  {share_how_label(note.share_how)} with {names}"))
            else:
                print(f"  {share_how_label(note.share_how)}")
            for text_line in texts.get(note.id, "").splitlines() or [""]:
                print(f"    {_line(text_line)}")
    return 0


def cmd_note_release(args: argparse.Namespace) -> int:
    with _unlock(args) as vault:
        case = _open_case(vault, args.case)
        note = case.release_note(case.find_note(args.note))
        print(
            _line(
                f"Released the private note about {case.participant_label(note.participant_id)} "
                f"in case {case.case.reference}: it now goes with the case to co-workers and "
                "in supervisor summaries."
            )
        )
    return 0


def cmd_conflicts_list(args: argparse.Namespace) -> int:
    from rjfacil.views.merge_words import conflict_view

    with _unlock(args) as vault:
        case = _open_case(vault, args.case)
        conflicts = case.conflicts()
        if not conflicts:
            print(_line(f"No conflicts to review in case {case.case.reference}."))
            return 0
        print(
            _line(
                f"{len(conflicts)} to review in case {case.case.reference}. The current value "
                "is the later edit; both are kept until you choose "
                "('rjfacil conflicts resolve')."
            )
        )
        for number, conflict in enumerate(conflicts, start=1):
            view = conflict_view(case, conflict, case.conflict_current(conflict))
            print(_line(f"Conflict {number}: {view.what}"))
            for side, by, at, values in (
                ("Current", view.current_by, view.current_at, view.current),
                ("Other", view.other_by, view.other_at, view.other),
            ):
                print(_line(f"  {side} — {by}, {at}"))
                for label, value in values:
                    print(_line(f"    {label}: {value}"))
    return 0


def cmd_conflicts_resolve(args: argparse.Namespace) -> int:
    from rjfacil.views.merge_words import conflict_view

    with _unlock(args) as vault:
        vault.check_writable()
        case = _open_case(vault, args.case)
        conflicts = case.conflicts()
        if not 1 <= args.number <= len(conflicts):
            raise CliError(
                f"Case {_line(case.case.reference)} has {len(conflicts)} conflict(s) to review: "
                f"'rjfacil conflicts list {args.case}' numbers them."
            )
        conflict = conflicts[args.number - 1]
        view = conflict_view(case, conflict, case.conflict_current(conflict))
        case.resolve_conflict(conflict.id, take_other=args.take_other)
        what = view.what[:1].lower() + view.what[1:]
        if args.take_other:
            said = f"Took {view.other_by}'s value of {what}: it is now the current one."
        else:
            said = f"Kept the current value of {what}; the other is set aside."
        print(_line(said))
    return 0


def cmd_participant_add(args: argparse.Namespace) -> int:
    from rjfacil.vocab import Role

    role = Role(args.role.replace("-", "_"))
    with _unlock(args) as vault:
        case = _open_case(vault, args.case)
        person = case.add_participant(role, args.name)
        print(
            _line(
                f"Added {person.name} as {role.label.lower()} to case {case.case.reference} "
                f"(id {person.id})"
            )
        )
    return 0


def cmd_case_stage(args: argparse.Namespace) -> int:
    from rjfacil.errors import BlockingFlagsRaised
    from rjfacil.views.labels import stage_text
    from rjfacil.vocab import ClosureReason, Stage

    fields: dict[str, object] = {"stage": Stage(args.stage.replace("-", "_"))}
    if args.closure_reason:
        fields["closure_reason"] = ClosureReason(args.closure_reason.replace("-", "_"))
    with _unlock(args) as vault:
        case = _open_case(vault, args.case)
        try:
            case.update_case(going_on_because=args.because or "", **fields)
        except BlockingFlagsRaised as held:
            # The same gate as the case view's: say how to give the reason here.
            raise RjfacilError(
                "Not moved on: " + "; ".join(held.headings) + ". Resolve it first, or give "
                "the reason for going on with --because (it is recorded in the case's history)."
            ) from held
        print(_line(f"Case {case.case.reference} is now at: {stage_text(case.case)}"))
    return 0


def cmd_letters(args: argparse.Namespace) -> int:
    from rjfacil.views.letters import letter_line, letter_passages

    with _unlock(args) as vault:
        case = _open_case(vault, args.case)
        if not case.letters:
            print("No letters in this case.")
            return 0
        for number, letter in enumerate(case.letters, start=1):
            line = letter_line(case, letter)
            print(_line(f"Letter {number}: {line.title}"))
            print(_line(f"  Status: {line.status}"))
            if line.reply_to:
                print(_line(f"  {line.reply_to}"))
            print(_line(f"  Recipient agreed to receive it: {line.recipient_agreed}"))
            if line.handover_blocked:
                print(_line(f"  Not yet to be handed over: {'; '.join(line.handover_blocked)}"))
            for version in line.versions:
                print(_line(f"  Version {version.number} ({version.written}): {version.status}"))
                if version.vetted_by:
                    print(_line(f"    Vetted by {version.vetted_by}, {version.vetted_at}"))
                if version.reasons:
                    print(_line(f"    Reasons: {version.reasons}"))
                for review in version.reviews:
                    print(
                        _line(
                            f"    Review by {review.who} ({review.role}), {review.given_on}: "
                            f"{review.view}"
                        )
                    )
            _, passages = letter_passages(case, letter)
            if passages:
                print("  Worth a second look in the current version (the reading aid points;")
                print("  it never decides):")
            for passage in passages:
                print(_line(f"    {passage.reason}: “{passage.excerpt}”"))
            print()
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from rjfacil.views.agreement import agreement_view
    from rjfacil.views.deadlines import due_dates, met_timescales
    from rjfacil.views.decisions import decision_lines, waiting_for_decision
    from rjfacil.views.flags import explanation_lines, explanations
    from rjfacil.views.labels import process_label, stage_text
    from rjfacil.views.next_steps import next_steps
    from rjfacil.views.people import role_words
    from rjfacil.views.redaction import redactor_for
    from rjfacil.views.supervision import take_part_line
    from rjfacil.views.team import team_role_label

    with _unlock(args) as vault:
        case = _open_case(vault, args.case)
        record = case.case
        print(_line(f"Case {record.reference}  (id {record.id})"))
        print(f"Stage: {stage_text(record)}")
        print(f"Process: {process_label(record.process)}")
        if record.referral_date:
            print(f"Referred: {show_day(record.referral_date)}")
        if record.summary:
            print(_line(f"Summary: {record.summary}"))
        raised = [e for e in explanations(case) if e.raised]
        print()
        print(f"Flags ({len(raised)})" if raised else "Flags: none raised")
        for explanation in raised:
            print(_line(f"  {explanation.title} ({explanation.reference})"))
            for text_line in explanation_lines(explanation):
                if text_line.startswith(("What the guidance says", "Next steps")):
                    break  # the reasons only; the case view explains each flag in full
                print(_line(f"    {text_line}"))
        print()
        print("People")
        if not case.participants:
            print("  No participants yet: 'rjfacil participant add' adds one.")
        for person in case.participants:
            take = take_part_line(case, person.id)
            take = take[:1].lower() + take[1:]  # mid-line; the date keeps its month's capital
            print(
                _line(
                    f"  {person.name} — {_lower_first(role_words(case, person))}; "
                    f"taking part: {take}"
                    f"  (id {str(person.id)[:8]})"
                )
            )
        for member in case.team:
            print(_line(f"  {member.name} — {team_role_label(case, member).lower()}"))
        steps = next_steps(case)
        print()
        print("Next steps" if steps else "Next steps: every checklist is answered")
        for step in steps:
            print(_line(f"  - {step.target}: {step.ask} ({step.answered} of {step.total})"))
        dues = due_dates(case)
        print()
        print("Deadlines" if dues else "Deadlines: nothing due")
        for due in [*dues, *met_timescales(case)]:
            status = due.status()
            reference = f" ({due.reference})" if due.reference else ""
            print(_line(f"  {status.day:<12} {due.label}{reference}: {status.phrase}"))
        recorded = [d for d in decision_lines(case) if d.current]
        print()
        print("Decisions" if recorded else "Decisions: none recorded")
        for decision in recorded:
            oversight = f"; {decision.oversight}" if decision.oversight else ""
            print(
                _line(
                    f"  {decision.point}: {decision.outcome} — {decision.decided_by}, "
                    f"{decision.decided_on}: {decision.reason}{oversight}"
                )
            )
        for waiting in waiting_for_decision(case):
            print(_line(f"  {waiting}: no decision yet"))
        agreement = agreement_view(case, redactor_for(case, "none"))
        print()
        print(f"Outcome agreement: made: {agreement.made.lower()}")
        if agreement.recorded:
            when = f" on {agreement.agreed_on}" if agreement.agreed_on else ""
            print(_line(f"  Agreed by {', '.join(agreement.agreed_by) or 'nobody recorded'}{when}"))
            print(_line(f"  {agreement.binding}"))
        for action in agreement.actions:
            print(
                _line(
                    f"  - {action.description} — by {action.by_whom}, due {action.due}: "
                    f"{action.completion or action.status}"
                    + (f"; {action.told}" if action.told else "")
                )
            )
        for money in agreement.money:
            print(
                _line(
                    f"  {money.amount} handed over on {money.handed_on}, "
                    f"witnessed by {money.witness}"
                )
            )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from rjfacil.export.summary import ExportOptions, export_case
    from rjfacil.views.supervision import NotesLevel

    if args.password_file and args.format != "pdf":
        raise CliError("--password-file is for a PDF export only.")
    password = None
    if args.password_file:
        password = _read_secret_file(Path(args.password_file).expanduser())
        if not password:
            raise CliError(f"The password file {args.password_file} is empty.")
    with _unlock(args) as vault:
        case = _open_case(vault, args.case)
        who = case.find_participant(args.for_) if args.for_ else None
        notes: NotesLevel = args.notes or ("all" if who else "excerpts")
        options = ExportOptions(
            fmt=args.format,
            redaction=args.redact,
            notes=notes,
            for_participant=who,
            password=password,
            agreement=args.agreement,
        )
        written = export_case(case, options, args.out, overwrite=args.force)
        _not_recorded(vault)
        what = "disclosure" if who else "supervisor summary"
        redaction = f"redaction {args.redact}"
        if args.agreement:
            what, redaction = "printable outcome agreement", "names shown: participants sign it"
        print(
            _line(
                f"Wrote the {what} of case {case.case.reference} to {written} "
                f"({args.format}, {redaction}"
                + (", password protected" if password else ", not encrypted")
                + ")"
            )
        )
    return 0


def cmd_whoami(args: argparse.Namespace) -> int:
    with _unlock(args) as vault:
        if args.name is not None:
            before = vault.owner.name
            vault.rename_owner(args.name)
            print(
                f"Renamed: {visible(before, single_line=True)} is now "
                f"{visible(vault.owner.name, single_line=True)} in every case."
            )
        print(f"Name:         {visible(vault.owner.name, single_line=True)}")
        print(f"Facilitator:  {vault.owner.id}")
        print(f"Recipient:    {vault.recipient or 'none yet (made when the vault can be saved)'}")
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


def _say_slow(doing: str) -> None:
    """Say on stderr that the share passphrase's key derivation takes a few seconds (age's
    work factor, chosen so that guessing the passphrase of an emailed file is slow).

    Only to a terminal, where someone waits: a script's stderr keeps one line per failure.
    """
    if not sys.stderr.isatty():
        return
    print(
        f"{doing} with the share passphrase (a few seconds: it is made slow to guess on purpose)…",
        file=sys.stderr,
        flush=True,
    )


def cmd_bundle_export(args: argparse.Namespace) -> int:
    out = Path(args.out).expanduser()
    passphrase = None if args.to else _share_passphrase(args, twice=True)
    with _unlock(args) as vault:
        case_id = vault.find_case(args.case)
        if passphrase is not None:
            _say_slow("Encrypting")
        left_out = vault.export_bundle(case_id, out, recipients=args.to, passphrase=passphrase)
        reference = vault.open_case(case_id).case.reference
        _not_recorded(vault)
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
        if not args.dry_run:
            vault.check_writable()  # before the file is read or a passphrase asked
        try:
            if passphrase is not None:
                _say_slow("Decrypting")
            bundle = vault.read_bundle(source, passphrase)
        except BundleError as error:
            if error.reason != "needs-passphrase" or passphrase is not None:
                raise
            if not sys.stdin.isatty():
                raise CliError(f"{error} (In a script: --share-passphrase-file FILE.)") from None
            passphrase = _share_passphrase(args, twice=False)
            _say_slow("Decrypting")
            bundle = vault.read_bundle(source, passphrase)
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
        if args.rebuild_index:
            vault.check_writable()
        report = vault.verify(rebuild_index=args.rebuild_index)
        deletions = vault.deletions()
    for line in report.summary()[:-2] + report.notes:
        print(line)
    for reference, when in deletions:
        print(f"deleted: case {_line(reference)} on {when[:10]}")
    for fault in report.faults:
        print(f"FAULT {visible(fault, single_line=True)}")
    for fault in report.backup_faults:
        print(f"BACKUP FAULT {visible(fault, single_line=True)} (not in use)")
    for line in report.summary()[-2:]:
        print(line)
    if report.ok:
        print(f"verified {report.checked} cases: every file decrypts and every history is intact")
        return 0
    print(f"verify found {len(report.faults)} fault(s) in {report.checked} cases", file=sys.stderr)
    return 1


def _not_recorded(vault: Vault) -> None:
    """Say on stderr that an export could not go into the case's history (read-only)."""
    if vault.read_only is not None:
        print(
            f"rjfacil: the export is not recorded in the case's history: {vault.read_only.reason}.",
            file=sys.stderr,
        )


def _progress(done: int, total: int) -> None:
    """Re-encryption progress on stderr: a line every tenth of the way, and at the end."""
    if done == total or done % max(1, total // 10) == 0:
        print(f"  re-encrypted {done}/{total} files", file=sys.stderr, flush=True)


def _print_recovery_code(code: str) -> None:
    print("The old recovery code no longer opens anything. The new recovery code (shown once;")
    print("write it down and keep it somewhere safe, apart from this laptop):")
    print()
    print(f"    {code}")
    print(flush=True)


def cmd_passwd(args: argparse.Namespace) -> int:
    with _unlock(args, recovery=args.recovery) as vault:
        vault.check_writable()  # before any passphrase is asked
        new_file = Path(args.new_passphrase_file).expanduser() if args.new_passphrase_file else None
        print("Changing the vault key: every file is re-encrypted.", file=sys.stderr)
        if args.recovery:  # the passphrase is forgotten: no old one to give
            code = vault.reset_passphrase(_new_passphrase(args, new_file), _progress)
        else:
            old_file = _passphrase_file(args)
            old = _read_secret_file(old_file) if old_file else _ask("Current passphrase again: ")
            code = vault.change_passphrase(old, _new_passphrase(args, new_file), _progress)
        print(
            f"Passphrase {'set' if args.recovery else 'changed'}; the old one opens nothing "
            "in the vault folder."
        )
        _print_recovery_code(code)
        vault.recovery_code_shown()
    return 0


def cmd_recovery_code(args: argparse.Namespace) -> int:
    with _unlock(args) as vault:
        vault.check_writable()  # before the passphrase is asked again
        named = _passphrase_file(args)
        passphrase = _read_secret_file(named) if named else _ask("Passphrase again: ")
        print("Changing the vault key: every file is re-encrypted.", file=sys.stderr)
        code = vault.new_recovery_code(passphrase, _progress)
        print("New recovery code issued; the passphrase is unchanged.")
        _print_recovery_code(code)
        vault.recovery_code_shown()
    return 0


# Vaults this command opened: their warnings are printed after the command's result.
_opened: list[Vault] = []


def _said(vault: Vault) -> Vault:
    """``vault``, once what its unlock did to an interrupted key change, and what its
    manifest check found (a case file missing, older or swapped), is on stderr."""
    message = vault.rotation_notice
    if message:
        print(f"rjfacil: {message}", file=sys.stderr)
    for line in vault.integrity_lines("cli"):
        print(f"rjfacil: {_line(line)}", file=sys.stderr)
    _opened.append(vault)
    return vault


def _print_warnings() -> None:
    """Warnings about derived data, after the command reported what it did."""
    while _opened:
        for warning in _opened.pop(0).warnings:
            print(f"rjfacil: warning: {visible(warning, single_line=True)}", file=sys.stderr)


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


# A parser's subcommands (typeshed's name for what add_subparsers returns; generic only
# there, so the alias is a string at run time).
_Actions: TypeAlias = "argparse._SubParsersAction[Any]"


def _group(sub: _Actions, name: str, help_: str) -> _Actions:
    """A command group, and the subparsers of its actions."""
    group = sub.add_parser(name, help=help_, description=help_)
    group.set_defaults(func=lambda _args: _usage(group))
    return group.add_subparsers(metavar="ACTION")


def _session_arguments(
    parser: argparse.ArgumentParser, supervisor: str, day: str, cases: str
) -> None:
    """A supervision session's options (``supervisor``, ``day``, ``cases``: what their help
    adds for this command)."""
    parser.add_argument("--supervisor", metavar="NAME", help=f"who you met {supervisor}".strip())
    parser.add_argument("--on", metavar="YYYY-MM-DD", help=f"the day it was held {day}".strip())
    parser.add_argument(
        "--case",
        action="append",
        metavar="REF",
        help=f"a case discussed (reference or id); repeat for several{cases}",
    )


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    return 2


def _tui_arguments(argv: list[str]) -> argparse.Namespace | None:
    """The app's arguments when ``argv`` names no command (``rjfacil``, ``rjfacil
    --data-dir DIR``), else None: building every command's parser is a twentieth of the
    time to the unlock prompt, spent before a prompt that uses none of them. Anything
    else (a command, --help, a mistake) goes to the full parser, which says what it is."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False, exit_on_error=False)
    _add_common(parser, default=None)
    try:
        args, rest = parser.parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    if rest:
        return None
    args.func = cmd_tui
    return args


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


# One example per command, shown at the end of its --help ("rjfacil note add --help").
EXAMPLES = {
    "init": "rjfacil init --name 'Sam Lee'",
    "demo": "rjfacil demo",
    "cases": "rjfacil cases",
    "search": "rjfacil search 'written apology'",
    "due": "rjfacil due",
    "supervision list": "rjfacil supervision list",
    "supervision edit": "rjfacil supervision edit 1 --on 2026-11-30 --agreed < agreed.txt",
    "supervision add": "rjfacil supervision add --supervisor 'Jo Bell' --case RJ-2026-011 "
    "< agreed.txt",
    "case new": "rjfacil case new --ref RJ-2026-015",
    "case stage": "rjfacil case stage RJ-2026-015 assessment --because 'Referrer spoke to both'",
    "case restore": "rjfacil case restore RJ-2026-015",
    "restore-file": "rjfacil restore-file profile.rjv",
    "delete": "rjfacil delete RJ-2026-003   (then type RJ-2026-003 to confirm)",
    "note add": "rjfacil note add RJ-2026-015 - --about 'Ann Ode' --from-participant < visit.txt",
    "note list": "rjfacil note list RJ-2026-015 --about 'Ann Ode'",
    "note release": "rjfacil note release RJ-2026-015 3f2a",
    "participant add": "rjfacil participant add RJ-2026-015 --role person-harmed --name 'Ann Ode'",
    "show": "rjfacil show RJ-2026-015",
    "conflicts list": "rjfacil conflicts list RJ-2026-015",
    "conflicts resolve": "rjfacil conflicts resolve RJ-2026-015 1 --take-other",
    "letters": "rjfacil letters RJ-2026-011",
    "export": "rjfacil export RJ-2026-015 --format html --out summary.html",
    "whoami": 'rjfacil whoami --name "Robin Ashdown"',
    "bundle export": "rjfacil bundle export RJ-2026-015 --to age1... --out case.age",
    "bundle import": "rjfacil bundle import case.age --dry-run",
    "verify": "rjfacil verify",
    "passwd": "rjfacil passwd",
    "recovery-code": "rjfacil recovery-code",
    "checklists validate": "rjfacil checklists validate checklists/risk.toml",
}


def _commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every command and action under parser, by its words ("note add")."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield " ".join((*path, name)), child
                yield from _commands(child, (*path, name))


def build_parser() -> argparse.ArgumentParser:
    parser = _build_parser()
    for words, command in _commands(parser):
        if words in EXAMPLES:
            command.epilog = f"example:\n  {EXAMPLES[words]}"
            command.formatter_class = argparse.RawDescriptionHelpFormatter
    return parser


def _build_parser() -> argparse.ArgumentParser:
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

    def add(
        name: str,
        func: Callable[[argparse.Namespace], int],
        help_: str,
        parent: _Actions = sub,
    ) -> argparse.ArgumentParser:
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
    add(
        "due",
        cmd_due,
        "what is due across every case, soonest first: deadlines, agreement actions, risk "
        "reviews, letters to vet, supervision and retention",
    )
    supervision = _group(sub, "supervision", "your supervision sessions")
    add("list", cmd_supervision_list, "your supervision sessions, newest first", supervision)
    s_add = add(
        "add",
        cmd_supervision_add,
        "record a supervision session; what was agreed is read from standard input",
        supervision,
    )
    _session_arguments(s_add, "(asked if not given)", "(default: today)", "")
    s_edit = add(
        "edit",
        cmd_supervision_edit,
        "change a supervision session: what you give replaces what it said",
        supervision,
    )
    s_edit.add_argument("number", type=int, help="the session's number in 'supervision list'")
    _session_arguments(s_edit, "", "", "; replaces the list")
    s_edit.add_argument(
        "--agreed", action="store_true", help="read what was agreed anew from standard input"
    )
    search = add("search", cmd_search, "find text in every case: notes, names, risks, letters…")
    search.add_argument("text", help="the words to find (any case)")
    case = _group(sub, "case", "work on cases")
    new = add("new", cmd_case_new, "create a case; prints its id", case)
    new.add_argument("--ref", required=True, help="the case reference")
    stage = add(
        "stage",
        cmd_case_stage,
        "move a case to a stage; going on past a Stop flag or a missing go-ahead needs --because",
        case,
    )
    stage.add_argument("case", help="the case id (or its start) or reference")
    stage.add_argument("stage", choices=STAGE_CHOICES, help="the stage to move it to")
    stage.add_argument(
        "--because", metavar="REASON", help="the reason for going on (kept in the history)"
    )
    stage.add_argument(
        "--closure-reason",
        choices=CLOSURE_CHOICES,
        help="why the case is closed or withdrawn (needed for those two)",
    )
    restore = add(
        "restore", cmd_case_restore, "put a case's newest good backup in place of its file", case
    )
    restore.add_argument("case", help="the case id (or its start) or reference")
    delete = add(
        "delete",
        cmd_delete,
        "delete a case for good (its file, its backups, its row); asks for its reference",
    )
    delete.add_argument("case", help="the case id (or its start) or reference")
    delete.add_argument(
        "--confirm",
        metavar="REF",
        help="the case's reference typed in full (else it is asked for on stdin)",
    )
    restore_file = add(
        "restore-file",
        cmd_restore_file,
        "put the newest good backup of vault.json or profile.rjv in its place",
    )
    restore_file.add_argument("file", choices=["vault.json", "profile.rjv"])
    note = _group(sub, "note", "work on notes")
    note_add = add("add", cmd_note_add, "add a note to a case", note)
    note_add.description = (
        "Add a note to a case. Give - and type or pipe the text in (Ctrl+D ends it), or "
        "write the note in the app: text given on the command line is visible to other "
        "users of this computer in the process list, and stays in your shell history."
    )
    note_add.add_argument("case", help="the case id (or its start) or reference")
    note_add.add_argument(
        "text",
        help="- to read the note from standard input (recommended: text on the command line "
        "is visible to other users in the process list and stays in shell history)",
    )
    note_add.add_argument("--about", metavar="P", help="the participant it is about (name or id)")
    note_add.add_argument(
        "--from-participant",
        action="store_true",
        help="it is what the participant said (default: your own assessment)",
    )
    sharing = note_add.add_mutually_exclusive_group()
    sharing.add_argument("--private", action="store_true", help="private to you: never shared")
    sharing.add_argument(
        "--share-with",
        metavar="P",
        nargs="+",
        help="participants it may be shared with (names or ids)",
    )
    note_add.add_argument(
        "--share-how",
        choices=("as-written", "summary"),
        default="as-written",
        help="with --share-with: shared as written (default) or in summary",
    )
    note_list = add("list", cmd_note_list, "the notes of a case, newest first", note)
    note_list.add_argument("case", help="the case id (or its start) or reference")
    note_list.add_argument("--about", metavar="P", help="only notes about this participant")
    note_release = add(
        "release",
        cmd_note_release,
        "release one private note: it then goes with the case to co-workers and supervisors",
        note,
    )
    note_release.add_argument("case", help="the case id (or its start) or reference")
    note_release.add_argument(
        "note", help="the note's id, or its first 4+ characters ('note list' shows them)"
    )
    participant = _group(sub, "participant", "work on a case's participants")
    p_add = add("add", cmd_participant_add, "add a participant to a case", participant)
    p_add.add_argument("case", help="the case id (or its start) or reference")
    p_add.add_argument("--role", required=True, choices=ROLE_CHOICES, help="their role")
    p_add.add_argument("--name", required=True, help="their name, or the name they go by")
    show = add("show", cmd_show, "a case's overview: stage, flags, people, next steps, dates")
    show.add_argument("case", help="the case id (or its start) or reference")
    conflicts = _group(
        sub, "conflicts", "values a co-worker's file set aside, to review: keep or take each"
    )
    c_list = add("list", cmd_conflicts_list, "a case's conflicts, numbered, both values", conflicts)
    c_list.add_argument("case", help="the case id (or its start) or reference")
    c_resolve = add(
        "resolve",
        cmd_conflicts_resolve,
        "keep the current value of a conflict, or take the other (--take-other)",
        conflicts,
    )
    c_resolve.add_argument("case", help="the case id (or its start) or reference")
    c_resolve.add_argument("number", type=int, help="the conflict's number in 'conflicts list'")
    choice = c_resolve.add_mutually_exclusive_group(required=True)
    choice.add_argument("--keep", action="store_true", help="keep the current value")
    choice.add_argument("--take-other", action="store_true", help="take the other value")
    letters = add(
        "letters",
        cmd_letters,
        "a case's letters: each version's vetting and reviews, and the reading aid's pointers",
    )
    letters.add_argument("case", help="the case id (or its start) or reference")
    export = add(
        "export",
        cmd_export,
        "a supervisor summary, with --for a participant's own information, with --agreement "
        "the printable outcome agreement",
    )
    export.add_argument("case", help="the case id (or its start) or reference")
    export.add_argument("--format", required=True, choices=("md", "html", "pdf", "json"))
    export.add_argument("--redact", choices=("none", "names", "full"), default="names")
    export.add_argument(
        "--notes",
        choices=("none", "excerpts", "all"),
        help="notes to include (default: excerpts; with --for: all)",
    )
    export.add_argument(
        "--for", dest="for_", metavar="P", help="a participant's own-information disclosure"
    )
    export.add_argument(
        "--password-file", metavar="FILE", help="protect the PDF with the password in FILE"
    )
    export.add_argument(
        "--agreement",
        action="store_true",
        help="the printable outcome agreement (md, html or pdf; names shown: it is signed)",
    )
    export.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    export.add_argument("--force", action="store_true", help="replace FILE if it exists")
    whoami = add(
        "whoami", cmd_whoami, "this vault's owner and age recipient, to give to co-workers"
    )
    whoami.add_argument(
        "--name",
        metavar="NAME",
        help="change the name co-workers know you by (every case shows the new one)",
    )
    bundle = _group(sub, "bundle", "case files for co-workers")
    bundle_export = add(
        "export", cmd_bundle_export, "write a case as an age file for co-workers", bundle
    )
    bundle_export.add_argument("case", help="the case id (or its start) or reference")
    bundle_export.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    bundle_export.add_argument(
        "--to",
        action="append",
        metavar="RECIPIENT",
        help="a co-worker's age recipient (age1...); repeat for several; "
        "without it, a share passphrase is asked for",
    )
    bundle_export.add_argument(
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
    passwd = add(
        "passwd",
        cmd_passwd,
        "change the passphrase: a new vault key and a new recovery code (printed once)",
    )
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
    add(
        "recovery-code",
        cmd_recovery_code,
        "issue a new recovery code (printed once); the old one stops working",
    )
    checklists = _group(sub, "checklists", "checklist files")
    validate = add("validate", cmd_checklists_validate, "check checklist files", checklists)
    validate.add_argument("files", nargs="*", help="files to check (default: all in use)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    args = _tui_arguments(given) or build_parser().parse_args(given)
    _opened.clear()
    try:
        code = args.func(args)
        _print_warnings()
        return code
    except RjfacilError as error:
        _print_warnings()
        print(f"rjfacil: {visible(str(error), single_line=True)}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except EOFError:  # Ctrl+D at a prompt: the facilitator chose not to answer
        print("\nrjfacil: stopped; nothing was changed.", file=sys.stderr)
        return 1
    except OSError as error:  # a file the core does not name for itself
        where = f" ({error.filename})" if error.filename else ""
        cause = os_cause(error)
        print(f"rjfacil: {cause[:1].upper()}{cause[1:]}{where}.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())


def _lower_first(words: str) -> str:
    """Words mid-sentence: a role's capital goes, a name's stays ("supporter of Ana")."""
    return words[:1].lower() + words[1:]
