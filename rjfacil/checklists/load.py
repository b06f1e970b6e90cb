"""Reading and validating checklist files into a :class:`Catalogue`.

The shipped files (:func:`builtin_dir`) are the guidance; an organisation's files (its
config folder, :func:`rjfacil.paths.org_checklists_dir`) may add checklists of their own,
or add items to an existing checklist with ``extends = "<id>"``. They can never replace
or change the guidance's checklists, items or flags.

Every problem is one line naming the file, the item (when the problem is in one) and
what is wrong, e.g. ``risk.toml: item 'intimidation': unknown answer kind 'maybe' (use
check, yes_no_unknown, choice, text or date)``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rjfacil import paths
from rjfacil.checklists.catalogue import Catalogue, catalogue_order
from rjfacil.checklists.locate import builtin_dir
from rjfacil.checklists.schema import (
    AppliesWhen,
    Checklist,
    ChecklistExtension,
    FlagDef,
    FlagsFile,
    item_problems,
    same_answer,
)
from rjfacil.errors import ChecklistError

FLAGS_FILE = "flags.toml"
_EXTENSION_HEADER = {"extends", "id"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file."""

    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path.name}: {self.message}"


@dataclass(frozen=True)
class _Parsed:
    path: Path
    organisation: bool
    checklist: Checklist | None = None
    extension: ChecklistExtension | None = None


def load_catalogue(builtin: Path | None = None, org: Path | None = None) -> Catalogue:
    """Load and validate the guidance's checklists and an organisation's own.

    The result is cached per folder and per state of the files in them (names, sizes,
    modification times), so calling it again is cheap and sees edited files.

    Args:
        builtin: The shipped files; default :func:`builtin_dir`.
        org: An organisation's files; default the config folder's ``checklists/`` when
            it exists.

    Returns:
        The catalogue.

    Raises:
        ChecklistError: A file is malformed. The message is the first problem, in one
            line; ``error.problems`` lists them all.
    """
    builtin = builtin or builtin_dir()
    if org is None:
        default = paths.org_checklists_dir()
        org = default if default.is_dir() else None
    return _load_cached(builtin, org, _fingerprint(builtin) + _fingerprint(org))


def clear_cache() -> None:
    """Forget every loaded catalogue (the next load reads the files again)."""
    _load_cached.cache_clear()


def validate_files(paths_: Sequence[Path]) -> list[str]:
    """Check checklist files without loading a vault (``rjfacil checklists validate``).

    A file in the shipped folder is checked as a shipped file (references in the
    guidance's form); any other file as an organisation's file, against the shipped
    checklists and flags.

    Args:
        paths_: Files to check; none means the shipped set plus the organisation folder.

    Returns:
        One line per problem; empty when every file is fine.
    """
    builtin = builtin_dir()
    if not paths_:
        default = paths.org_checklists_dir()
        org_files = _toml_files(default) if default.is_dir() else []
        _, problems = _build(builtin, org_files)
        return [str(problem) for problem in problems]
    given = [Path(each) for each in paths_]
    missing = [f"{each}: no such file" for each in given if not each.is_file()]
    given = [each for each in given if each.is_file()]
    home = builtin.resolve()
    org_files = [each for each in given if each.resolve().parent != home]
    _, problems = _build(builtin, org_files)
    wanted = {each.resolve() for each in given} | {(builtin / FLAGS_FILE).resolve()}
    return missing + [str(p) for p in problems if p.path.resolve() in wanted]


@lru_cache(maxsize=16)
def _load_cached(builtin: Path, org: Path | None, fingerprint: tuple[Any, ...]) -> Catalogue:
    del fingerprint  # part of the cache key only
    catalogue, problems = _build(builtin, _toml_files(org) if org else [])
    if problems:
        more = len(problems) - 1
        tail = f" (and {more} more: run 'rjfacil checklists validate')" if more else ""
        error = ChecklistError(f"{problems[0]}{tail}")
        error.problems = [str(problem) for problem in problems]  # type: ignore[attr-defined]
        raise error
    assert catalogue is not None
    return catalogue


def _fingerprint(folder: Path | None) -> tuple[Any, ...]:
    if folder is None or not folder.is_dir():
        return ()
    found = []
    for path in _toml_files(folder):
        stat = path.stat()
        found.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def _toml_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.glob("*.toml") if path.is_file())


def _build(builtin: Path, org_files: list[Path]) -> tuple[Catalogue | None, list[Problem]]:
    """Read the shipped folder and the organisation's files; return what was wrong."""
    problems: list[Problem] = []
    flags = _read_flags(builtin / FLAGS_FILE, problems)
    flag_ids = frozenset(flags) if flags is not None else None
    parsed: list[_Parsed] = []
    for path in _toml_files(builtin):
        if path.name != FLAGS_FILE:
            parsed.append(_read_checklist(path, False, flag_ids, problems))
    for path in org_files:
        if path.name == FLAGS_FILE:
            problems.append(
                Problem(
                    path,
                    "an organisation cannot add or change flags; its items can raise "
                    "the flags of the shipped flags.toml",
                )
            )
            continue
        parsed.append(_read_checklist(path, True, flag_ids, problems))
    checklists = _assemble(parsed, problems)
    if problems or flags is None:
        return None, problems
    ordered = tuple(sorted(checklists.values(), key=catalogue_order))
    return Catalogue(checklists=ordered, flags=flags), problems


def _read_toml(path: Path, problems: list[Problem]) -> dict[str, Any] | None:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        problems.append(Problem(path, f"not valid TOML: {error}"))
    except UnicodeDecodeError:
        problems.append(Problem(path, "not valid TOML: the file is not UTF-8 text"))
    except OSError as error:
        problems.append(Problem(path, f"cannot be read: {error.strerror or error}"))
    return None


def _read_flags(path: Path, problems: list[Problem]) -> dict[str, FlagDef] | None:
    data = _read_toml(path, problems) if path.is_file() else None
    if data is None:
        if not path.is_file():
            problems.append(Problem(path, "missing: the shipped flags file was not found"))
        return None
    try:
        parsed = FlagsFile.model_validate(data, context={"shipped": True})
    except ValidationError as error:
        problems.extend(Problem(path, line) for line in _describe_all(error, data, "flags"))
        return None
    return {flag.id: flag for flag in parsed.flags}


def _read_checklist(
    path: Path, organisation: bool, flag_ids: frozenset[str] | None, problems: list[Problem]
) -> _Parsed:
    nothing = _Parsed(path, organisation)
    data = _read_toml(path, problems)
    if data is None:
        return nothing
    unknown = sorted(set(data) - {"checklist", "items"})
    if unknown:
        problems.append(
            Problem(path, f"unknown table '{unknown[0]}' (a file has [checklist] and [[items]])")
        )
        return nothing
    header = data.get("checklist")
    if not isinstance(header, dict):
        problems.append(Problem(path, "missing the [checklist] table"))
        return nothing
    if "items" in header:
        problems.append(Problem(path, "checklist: items go in [[items]] tables after [checklist]"))
        return nothing
    merged = {**header, "items": data.get("items", [])}
    context = {"shipped": not organisation, "flag_ids": flag_ids}
    try:
        if "extends" in header:
            return _read_extension(path, organisation, header, merged, context, problems)
        checklist = Checklist.model_validate(merged, context=context)
    except ValidationError as error:
        problems.extend(Problem(path, line) for line in _describe_all(error, merged, "items"))
        return nothing
    if organisation:
        checklist._origin = "organisation"
        for item in checklist.items:
            item._origin = "organisation"
    return _Parsed(path, organisation, checklist=_resolve_scopes(checklist))


def _read_extension(
    path: Path,
    organisation: bool,
    header: dict[str, Any],
    merged: dict[str, Any],
    context: dict[str, Any],
    problems: list[Problem],
) -> _Parsed:
    if not organisation:
        problems.append(Problem(path, "checklist: extends is for an organisation's own files only"))
        return _Parsed(path, organisation)
    extra = sorted(set(header) - _EXTENSION_HEADER)
    if extra:
        problems.append(
            Problem(
                path,
                f'checklist: a file with extends = "{header["extends"]}" only adds items; '
                f"remove {', '.join(extra)} (the checklist keeps its own)",
            )
        )
        return _Parsed(path, organisation)
    extension = ChecklistExtension.model_validate(merged, context=context)
    for item in extension.items:
        item._origin = "organisation"
    return _Parsed(path, organisation, extension=extension)


def _assemble(parsed: list[_Parsed], problems: list[Problem]) -> dict[str, Checklist]:
    """Cross-file checks: unique ids, extensions, applies_when."""
    checklists: dict[str, Checklist] = {}
    where: dict[str, _Parsed] = {}
    for each in parsed:
        checklist = each.checklist
        if checklist is None:
            continue
        earlier = where.get(checklist.id)
        if earlier is not None and each.organisation and not earlier.organisation:
            problems.append(
                Problem(
                    each.path,
                    f"would replace the guidance's checklist '{checklist.id}'; "
                    f'use extends = "{checklist.id}" to add items',
                )
            )
        elif earlier is not None:
            problems.append(
                Problem(
                    each.path,
                    f"checklist id '{checklist.id}' is already used by {earlier.path.name}",
                )
            )
        else:
            checklists[checklist.id] = checklist
            where[checklist.id] = each
    for each in parsed:
        if each.extension is not None:
            _extend(each, checklists, problems)
    for checklist_id, checklist in checklists.items():
        message = _applies_when_problem(checklist, checklists)
        if message:
            problems.append(Problem(where[checklist_id].path, message))
    problems.extend(_fact_problems(parsed, checklists))
    return checklists


def _fact_problems(parsed: list[_Parsed], checklists: dict[str, Checklist]) -> list[Problem]:
    """A case fact is stated by one item at most, across every file."""
    problems: list[Problem] = []
    stated: dict[str, str] = {}
    files = {each.checklist.id: each.path for each in parsed if each.checklist is not None}
    extended = {
        (each.extension.extends, item.id): each.path
        for each in parsed
        if each.extension is not None
        for item in each.extension.items
    }
    for checklist in checklists.values():
        for item in checklist.items:
            if item.fact is None:
                continue
            here = f"{checklist.id}.{item.id}"
            if item.fact in stated:
                path = extended.get((checklist.id, item.id)) or files[checklist.id]
                problems.append(
                    Problem(
                        path,
                        f"item '{item.id}': the case fact '{item.fact}' is already stated by "
                        f"{stated[item.fact]}; a fact of the case has one item",
                    )
                )
            else:
                stated[item.fact] = here
    return problems


def _extend(each: _Parsed, checklists: dict[str, Checklist], problems: list[Problem]) -> None:
    assert each.extension is not None
    target_id = each.extension.extends
    target = checklists.get(target_id)
    if target is None:
        problems.append(
            Problem(each.path, f"checklist: extends '{target_id}', but no checklist has that id")
        )
        return
    owner = "guidance's" if target.origin == "guidance" else "organisation's"
    found = False
    for item in each.extension.items:
        if target.item(item.id) is not None:
            problems.append(
                Problem(
                    each.path,
                    f"item '{item.id}': the {owner} checklist '{target_id}' already has an "
                    "item with this id; give the organisation's item its own id",
                )
            )
            found = True
    if found:
        return
    items = [*target.items, *each.extension.items]
    messages = item_problems(target.scope, target.roles, items)
    if messages:
        problems.extend(Problem(each.path, message) for message in messages)
        return
    merged = target.model_copy(update={"items": items})
    checklists[target_id] = _resolve_scopes(merged)


def _applies_when_problem(checklist: Checklist, checklists: dict[str, Checklist]) -> str | None:
    """The first thing wrong with the checklist's condition, its items' conditions or the
    items they read."""
    if checklist.applies_when is not None:
        message = _condition_problem(checklist.applies_when, checklists)
        if message:
            return f"applies_when: {message}"
    for item in checklist.items:
        if item.applies_when is None:
            continue
        if item.applies_when.item == f"{checklist.id}.{item.id}":
            return f"item '{item.id}': applies_when names the item itself"
        message = _condition_problem(item.applies_when, checklists)
        if message:
            return f"item '{item.id}': applies_when: {message}"
    for item in checklist.items:
        if item.reads is None:
            continue
        if item.reads == f"{checklist.id}.{item.id}":
            return f"item '{item.id}': reads names the item itself"
        other = checklists.get(item.reads_checklist_id)
        if other is None:
            return f"item '{item.id}': reads: there is no checklist '{item.reads_checklist_id}'"
        if other.item(item.reads_item_id) is None:
            return (
                f"item '{item.id}': reads: the checklist '{other.id}' has no item "
                f"'{item.reads_item_id}'"
            )
    for item in checklist.items:
        for rule in item.flags:
            if rule.applies_when is None:
                continue
            message = _condition_problem(rule.applies_when, checklists)
            if message:
                return f"item '{item.id}': flag '{rule.flag}': applies_when: {message}"
    return None


def _condition_problem(rule: AppliesWhen, checklists: dict[str, Checklist]) -> str | None:
    other = checklists.get(rule.checklist_id)
    if other is None:
        return f"there is no checklist '{rule.checklist_id}'"
    item = other.item(rule.item_id)
    if item is None:
        return f"the checklist '{rule.checklist_id}' has no item '{rule.item_id}'"
    allowed = item.fixed_answers()
    if allowed is None:
        return f"'{rule.item}' is a {item.kind} item, which has no fixed answers"
    for value in rule.any_of:
        if not any(same_answer(value, each) for each in allowed):
            shown = ", ".join(repr(each) for each in allowed)
            return f"{value!r} is not an answer to '{rule.item}' (use {shown})"
    return None


def _resolve_scopes(checklist: Checklist) -> Checklist:
    """Give every item an explicit scope (its own, else the checklist's)."""
    if all(item.scope is not None for item in checklist.items):
        return checklist
    items = [
        item if item.scope is not None else item.model_copy(update={"scope": checklist.scope})
        for item in checklist.items
    ]
    return checklist.model_copy(update={"items": items})


def _describe_all(error: ValidationError, data: dict[str, Any], list_key: str) -> list[str]:
    lines: list[str] = []
    for each in error.errors(include_url=False):
        line = _describe(each, data, list_key)
        if line not in lines:
            lines.append(line)
    return lines


def _describe(error: Any, data: dict[str, Any], list_key: str) -> str:
    """One pydantic error as a line for the person editing the file."""
    loc = list(error["loc"])
    where = "checklist" if list_key == "items" else ""
    if len(loc) >= 2 and loc[0] == list_key and isinstance(loc[1], int):
        index = loc[1]
        entries = data.get(list_key)
        entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
        entry_id = entry.get("id") if isinstance(entry, dict) else None
        noun = "item" if list_key == "items" else "flag"
        where = f"{noun} '{entry_id}'" if isinstance(entry_id, str) else f"{noun} {index + 1}"
        loc = loc[2:]
    message = _message(error, _field_path(loc))
    own = "item '" if list_key == "items" else "flag '"
    if where and not message.startswith(own):
        return f"{where}: {message}"
    return message


def _field_path(loc: list[Any]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part + 1}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _message(error: Any, field: str) -> str:
    kind = error["type"]
    name = f"'{field}'" if field else "this entry"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind == "missing":
        return f"missing {name}"
    if kind == "extra_forbidden":
        return f"unknown field {name}"
    if kind == "string_type":
        return f"{name} must be text in quotes"
    if kind == "int_type":
        return f"{name} must be a whole number"
    if kind == "bool_type":
        return f"{name} must be true or false"
    if kind in ("list_type", "too_short"):
        return f"{name} must be a list with at least one entry"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"{name} must be a table"
    if kind == "literal_error":
        return f"{name} must be {error['ctx']['expected']}"
    return f"{name}: {error['msg']}"
