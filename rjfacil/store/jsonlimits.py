"""Parse untrusted JSON (an imported file's content) within limits, or refuse it with one line.

The limits are checked before the document is built wherever the bytes allow it: one
regular expression over the raw bytes finds every string token, and what is left outside
strings gives the number of objects and of values, the nesting depth and the longest
string before ``json`` builds anything (so a deep document never reaches the recursive
parser, and 10,000 objects is a count, not a hope). Duplicate keys, NaN and Infinity,
numbers that overflow to infinity and huge integers are refused while parsing, through
``json``'s hooks. The result contains only ``dict``, ``list``, ``str``, ``int``, ``float``,
``bool`` and ``None``, and every string is valid Unicode (no lone surrogates), so it can
be written back as UTF-8 JSON.
"""

from __future__ import annotations

import enum
import json
import math
import re
from collections.abc import Iterator
from typing import Any

from rjfacil.errors import UntrustedJsonError
from rjfacil.sanitize import visible

MAX_BYTES = 50_000_000
MAX_DEPTH = 32
MAX_STRING_BYTES = 1_000_000
MAX_OBJECTS = 10_000
# A 300-note case has a few thousand; 10,000 records of 20 fields, 200,000.
MAX_ITEMS = 1_000_000
# No record needs a longer number (an int64 has 20 characters, a float's repr at most 24);
# converting a million-digit literal costs time before anything could refuse it.
MAX_NUMBER_CHARS = 40

# A JSON string token, as bytes, or an unterminated one running to the end (json then
# reports it). Every quote outside a string starts a match and no match can fail, so one
# pass is linear; UTF-8 continuation bytes never equal a quote, backslash or bracket, so
# scanning bytes is exact.
_STRING = re.compile(rb'("[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z))', re.DOTALL)
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b"[]{},")
_OPENERS = frozenset(b"[{")
# The escape of a UTF-16 surrogate; only then can a decoded string hold a lone surrogate.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class JsonFault(enum.StrEnum):
    """Why untrusted JSON was refused (``UntrustedJsonError.reason``)."""

    TOO_LARGE = "too-large"
    NOT_UTF8 = "not-utf8"
    MALFORMED = "malformed"
    TOO_DEEP = "too-deep"
    TOO_MANY_OBJECTS = "too-many-objects"
    TOO_MANY_ITEMS = "too-many-items"
    STRING_TOO_LONG = "string-too-long"
    DUPLICATE_KEY = "duplicate-key"
    NOT_A_NUMBER = "not-a-number"
    BAD_UNICODE = "bad-unicode"


def parse_untrusted_json(
    data: bytes,
    *,
    what: str = "The file's content",
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    max_string_bytes: int = MAX_STRING_BYTES,
    max_objects: int = MAX_OBJECTS,
    max_items: int = MAX_ITEMS,
) -> Any:
    """Parse ``data`` as one JSON document (RFC 8259, UTF-8) within limits.

    Args:
        data: The raw bytes, untrusted.
        what: How to name the data in a message, e.g. "The bundle bundle.age".
        max_bytes: The largest document accepted.
        max_depth: The deepest nesting of arrays and objects accepted (``[]`` is 1).
        max_string_bytes: The longest string (key or value) accepted, in UTF-8 bytes once
            decoded.
        max_objects: The most JSON objects (records) accepted in the whole document.
        max_items: The most commas outside strings (values in arrays and members of
            objects, less one per container): this bounds the memory the parsed document
            takes, which a 50 MB list of empty strings would otherwise make a gigabyte.

    Returns:
        The document.

    Raises:
        UntrustedJsonError: one line naming the limit or the fault; ``reason`` is a
            ``JsonFault``.
    """

    def refuse(fault: JsonFault, detail: str) -> UntrustedJsonError:
        return UntrustedJsonError(f"{what} is refused: {detail}.", fault)

    data = bytes(data)
    if len(data) > max_bytes:
        raise refuse(
            JsonFault.TOO_LARGE, f"it is {len(data):,} bytes, over the limit of {max_bytes:,}"
        )
    if not data.strip(b" \t\r\n"):
        raise refuse(JsonFault.MALFORMED, "it is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise refuse(JsonFault.NOT_UTF8, f"it is not UTF-8 text (byte {err.start:,})") from None
    if text.startswith("\ufeff"):
        raise refuse(JsonFault.NOT_UTF8, "it starts with a byte order mark, which JSON forbids")

    # Before building anything: counts, depth and string lengths, from the raw bytes.
    too_many_items = refuse(
        JsonFault.TOO_MANY_ITEMS, f"it holds over {max_items:,} values in its lists and records"
    )
    # First a bound that costs nothing, so that a list of millions of tiny strings is refused
    # before the string scan below spends a moment on each. A quote not after a backslash
    # opens or closes a string; a valid document within max_items commas holds at most
    # 2 * (commas + containers + 1) strings (values and keys), and every container has a
    # bracket.
    delimiters = data.count(b'"') - data.count(b'\\"')
    containers = data.count(b"[") + data.count(b"{")
    if delimiters > 4 * (max_items + containers + 1):
        raise too_many_items
    # One pass: split() alternates what lies outside strings with the string tokens.
    parts = _STRING.split(data)
    tokens = parts[1::2]
    structure = b"".join(parts[0::2]).translate(None, _NOT_STRUCTURE)
    del parts
    objects = structure.count(b"{")
    if objects > max_objects:
        raise refuse(
            JsonFault.TOO_MANY_OBJECTS,
            f"it holds {objects:,} records (objects), over the limit of {max_objects:,}",
        )
    if structure.count(b",") > max_items:
        raise too_many_items
    depth = 0
    for byte in structure.translate(None, b","):
        depth = depth + 1 if byte in _OPENERS else depth - 1
        if depth > max_depth:
            raise refuse(JsonFault.TOO_DEEP, f"it is nested deeper than {max_depth} levels")
    longest = max(map(len, tokens), default=2) - 2
    if longest > max_string_bytes:
        # A raw token is never shorter than its decoded UTF-8 (an escape shrinks), so only
        # the long tokens need decoding to measure exactly.
        for token in tokens:
            if len(token) - 2 > max_string_bytes and _utf8_length(token) > max_string_bytes:
                raise refuse(
                    JsonFault.STRING_TOO_LONG,
                    f"it holds a string over the limit of {max_string_bytes:,} bytes",
                )

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            seen: set[str] = set()
            for key, _value in pairs:
                if key in seen:
                    raise refuse(JsonFault.DUPLICATE_KEY, f"the key {_show(key)} appears twice")
                seen.add(key)
        return result

    def constant(name: str) -> Any:
        raise refuse(JsonFault.NOT_A_NUMBER, f"it holds {name}, which JSON does not allow")

    def parse_float(literal: str) -> float:
        if len(literal) > MAX_NUMBER_CHARS:
            raise refuse(JsonFault.NOT_A_NUMBER, f"it holds a number of {len(literal):,} digits")
        value = float(literal)
        if not math.isfinite(value):
            raise refuse(JsonFault.NOT_A_NUMBER, f"the number {_show(literal)} is out of range")
        return value

    def parse_int(literal: str) -> int:
        if len(literal) > MAX_NUMBER_CHARS:
            raise refuse(JsonFault.NOT_A_NUMBER, f"it holds a number of {len(literal):,} digits")
        return int(literal)

    try:
        document = json.loads(
            text,
            object_pairs_hook=pairs_hook,
            parse_constant=constant,
            parse_float=parse_float,
            parse_int=parse_int,
        )
    except json.JSONDecodeError as err:
        raise refuse(
            JsonFault.MALFORMED,
            f"it is not valid JSON ({err.msg}: line {err.lineno}, column {err.colno})",
        ) from None
    except RecursionError:  # pragma: no cover - the depth check above runs first
        raise refuse(JsonFault.TOO_DEEP, "it is nested too deeply") from None
    if _SURROGATE_ESCAPE.search(data) and not all(_is_unicode(s) for s in _strings(document)):
        raise refuse(JsonFault.BAD_UNICODE, "it holds a string with a lone UTF-16 surrogate")
    return document


def _utf8_length(token: bytes) -> int:
    try:
        value = json.loads(token)
    except ValueError:
        return 0  # unterminated or malformed: json.loads of the document reports it
    return len(value.encode("utf-8", "surrogatepass"))


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _strings(document: Any) -> Iterator[str]:
    """Every key and string in ``document``, without recursion."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            yield from node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _show(text: str) -> str:
    shown = visible(text[:40], single_line=True)
    return repr(shown + ("..." if len(text) > 40 else ""))
