"""docs/bundle-schema.md names every field of every table, and every value of every fixed
vocabulary a field takes, exactly as rjfacil/casedoc/model.py defines them: a script
reading a co-worker's file can rely on the page, and the page cannot drift from the code."""

from __future__ import annotations

import re
import types
import typing
from enum import Enum
from pathlib import Path

from rjfacil.casedoc.model import TABLES, MutableRecord, Record

DOC = Path(__file__).resolve().parents[1] / "docs" / "bundle-schema.md"
COMMON = set(MutableRecord.model_fields)


def documented() -> dict[str, dict[str, str]]:
    """Each table's heading under "Record fields" (and "Every record") -> field -> row."""
    text = DOC.read_text(encoding="utf-8").split("## Record fields", 1)[1]
    text = text.split("\n## ", 1)[0]
    tables: dict[str, dict[str, str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("### "):
            heading = re.match(r"^### (?:`(\w+)`|(Every record))", line)
            current = (heading.group(1) or "*") if heading else None
            if current is not None:
                tables[current] = {}
            continue
        row = re.match(r"^\| `(\w+)` \|", line)
        if row and current is not None:
            tables[current][row.group(1)] = line
    return tables


def _enums(annotation: object) -> list[type[Enum]]:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [annotation]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [e for arg in typing.get_args(annotation) for e in _enums(arg)]
    return []


def test_every_table_of_the_case_model_has_its_fields_documented() -> None:
    doc = documented()
    assert set(doc["*"]) == COMMON
    assert set(doc) - {"*"} == set(TABLES)
    for table, model in TABLES.items():
        own = set(model.model_fields) - COMMON
        assert set(doc[table]) == own, table
        assert issubclass(model, Record)


def test_every_value_of_a_fixed_vocabulary_is_documented_where_a_field_takes_it() -> None:
    doc = documented()
    for table, model in TABLES.items():
        for name, field in model.model_fields.items():
            if name in COMMON:
                continue
            row = doc[table][name]
            for enum in _enums(field.annotation):
                for value in enum:
                    assert f"`{value.value}`" in row or (value.value == "" and '`""`' in row), (
                        table,
                        name,
                        value.value,
                    )
            if typing.get_origin(field.annotation) is typing.Literal:
                for value in typing.get_args(field.annotation):
                    assert f"`{value}`" in row, (table, name, value)
