"""Untrusted JSON within limits: each limit at its boundary, each fault, and fuzzing."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rjfacil.errors import RjfacilError, UntrustedJsonError
from rjfacil.store.jsonlimits import (
    MAX_DEPTH,
    MAX_OBJECTS,
    MAX_STRING_BYTES,
    JsonFault,
    parse_untrusted_json,
)


def _refused(data: bytes, **limits: Any) -> UntrustedJsonError:
    with pytest.raises(UntrustedJsonError) as caught:
        parse_untrusted_json(data, **limits)
    text = str(caught.value)
    assert text.startswith("The file's content is refused: ") and "\n" not in text
    return caught.value


def _nested(depth: int, inner: bytes = b"") -> bytes:
    return b"[" * depth + inner + b"]" * depth


def test_a_document_parses_as_json_does() -> None:
    data = b'{"a": [1, 2.5, -3, true, false, null, "x\\n\\u00e9\\ud83d\\ude00"], "b": {}}'
    assert parse_untrusted_json(data) == json.loads(data)


# --- depth ------------------------------------------------------------------------------


def test_nesting_at_the_limit_is_accepted_and_one_over_refused() -> None:
    assert MAX_DEPTH == 32
    parse_untrusted_json(_nested(32))
    error = _refused(_nested(33))
    assert error.reason == JsonFault.TOO_DEEP
    assert str(error) == "The file's content is refused: it is nested deeper than 32 levels."


def test_objects_and_arrays_both_count_towards_depth() -> None:
    def mixed(depth: int) -> bytes:
        text = b"1"
        for level in range(depth):
            text = b'{"k": ' + text + b"}" if level % 2 else b"[" + text + b"]"
        return text

    parse_untrusted_json(mixed(32))
    assert _refused(mixed(33)).reason == JsonFault.TOO_DEEP


def test_brackets_inside_strings_do_not_count() -> None:
    text = json.dumps(["[[[[{{{{" * 100, '\\"[[[', "]]]"]).encode()
    assert parse_untrusted_json(text)[0].startswith("[[[[")


@pytest.mark.parametrize("depth", [1_000, 100_000, 2_000_000])
def test_very_deep_nesting_is_refused_without_recursion(depth: int) -> None:
    for data in (_nested(depth), b"[" * depth, b'[{"a":' * 16 + b"[" * depth):
        assert _refused(data).reason == JsonFault.TOO_DEEP


def test_deep_nesting_after_an_unterminated_string_is_not_parsed() -> None:
    # Brackets after an unterminated string are inside it; json stops at the string.
    assert _refused(b'["abc' + b"[" * 100_000).reason == JsonFault.MALFORMED
    assert _refused(b'["a\\"' + b"[" * 100_000).reason == JsonFault.MALFORMED
    assert _refused(b"[" * 100_000 + b'"').reason == JsonFault.TOO_DEEP


# --- strings ----------------------------------------------------------------------------


def test_a_string_at_the_limit_is_accepted_and_one_byte_over_refused() -> None:
    assert MAX_STRING_BYTES == 1_000_000
    assert len(parse_untrusted_json(b'["' + b"x" * 1_000_000 + b'"]')[0]) == 1_000_000
    error = _refused(b'["' + b"x" * 1_000_001 + b'"]')
    assert error.reason == JsonFault.STRING_TOO_LONG
    assert str(error) == (
        "The file's content is refused: it holds a string over the limit of 1,000,000 bytes."
    )


def test_keys_count_as_strings() -> None:
    assert _refused(b'{"' + b"k" * 101 + b'": 1}', max_string_bytes=100).reason == (
        JsonFault.STRING_TOO_LONG
    )


def test_string_length_is_measured_in_utf8_once_decoded() -> None:
    # 100 "é" are 200 UTF-8 bytes, whether written raw or escaped as \u00e9 (600 raw bytes).
    raw = ('["' + "é" * 100 + '"]').encode()
    escaped = b'["' + b"\\u00e9" * 100 + b'"]'
    for data in (raw, escaped):
        assert parse_untrusted_json(data, max_string_bytes=200)[0] == "é" * 100
        assert _refused(data, max_string_bytes=199).reason == JsonFault.STRING_TOO_LONG


# --- records ----------------------------------------------------------------------------


def _records(n: int) -> bytes:
    return json.dumps({"records": [{"i": i} for i in range(n - 1)]}).encode()


def test_records_at_the_limit_are_accepted_and_one_over_refused() -> None:
    assert MAX_OBJECTS == 10_000
    assert len(parse_untrusted_json(_records(10_000))["records"]) == 9_999
    error = _refused(_records(10_001))
    assert error.reason == JsonFault.TOO_MANY_OBJECTS
    assert str(error) == (
        "The file's content is refused: it holds 10,001 records (objects), over the limit "
        "of 10,000."
    )


def test_values_at_the_limit_are_accepted_and_one_over_refused() -> None:
    assert parse_untrusted_json(json.dumps([""] * 101).encode(), max_items=100) == [""] * 101
    error = _refused(json.dumps([""] * 102).encode(), max_items=100)
    assert error.reason == JsonFault.TOO_MANY_ITEMS
    assert str(error) == (
        "The file's content is refused: it holds over 100 values in its lists and records."
    )


def test_a_50_mb_list_of_empty_strings_is_refused_before_it_is_built() -> None:
    data = b"[" + b'"",' * 16_000_000 + b'""]'
    assert _refused(data).reason == JsonFault.TOO_MANY_ITEMS


def test_braces_inside_strings_are_not_records() -> None:
    parse_untrusted_json(json.dumps(["{" * 50]).encode(), max_objects=0)


def test_size_at_the_limit_is_accepted_and_one_over_refused() -> None:
    data = b'"' + b"x" * 98 + b'"'
    assert parse_untrusted_json(data, max_bytes=100) == "x" * 98
    assert _refused(data + b" ", max_bytes=100).reason == JsonFault.TOO_LARGE


# --- faults ----------------------------------------------------------------------------


def test_duplicate_keys_are_refused_naming_the_key() -> None:
    error = _refused(b'{"a": 1, "b": {"id": 1, "id": 2}}')
    assert error.reason == JsonFault.DUPLICATE_KEY
    assert str(error) == "The file's content is refused: the key 'id' appears twice."


def test_a_duplicate_key_is_shown_visibly() -> None:
    error = _refused(b'{"\\u001b[2J": 1, "\\u001b[2J": 2}')
    assert "\x1b" not in str(error)


@pytest.mark.parametrize(
    "data", [b"[NaN]", b"[Infinity]", b"[-Infinity]", b'{"a": NaN}', b"[1e400]", b"[-1e400]"]
)
def test_non_finite_numbers_are_refused(data: bytes) -> None:
    assert _refused(data).reason == JsonFault.NOT_A_NUMBER


def test_huge_number_literals_are_refused_quickly() -> None:
    for data in (b"[" + b"9" * 100_000 + b"]", b"[0." + b"1" * 100_000 + b"]"):
        assert _refused(data).reason == JsonFault.NOT_A_NUMBER
    assert parse_untrusted_json(b"[-9223372036854775808, 1.7976931348623157e308]") == [
        -(2**63),
        1.7976931348623157e308,
    ]


@pytest.mark.parametrize(
    "data",
    [b'["\xff"]', b'["\xc3"]', b'["\xed\xa0\x80"]', b'["\xc0\xaf"]', b"\xfe\xff[]", b'"\x80"'],
)
def test_invalid_utf8_is_refused(data: bytes) -> None:
    assert _refused(data).reason == JsonFault.NOT_UTF8


def test_a_byte_order_mark_and_utf16_are_refused() -> None:
    assert _refused(b"\xef\xbb\xbf[]").reason == JsonFault.NOT_UTF8
    assert _refused("[]".encode("utf-16")).reason == JsonFault.NOT_UTF8


@pytest.mark.parametrize("data", [b'["\\ud800"]', b'{"\\udfff": 1}', b'["\\ude00\\ud83d"]'])
def test_lone_surrogates_are_refused(data: bytes) -> None:
    assert _refused(data).reason == JsonFault.BAD_UNICODE


def test_an_escaped_backslash_before_u_d800_is_text() -> None:
    assert parse_untrusted_json(b'["\\\\ud800"]') == ["\\ud800"]


@pytest.mark.parametrize(
    "data",
    [b"", b"   ", b"[1,]", b"{'a': 1}", b'{"a" 1}', b"[1] [2]", b'["a\x00"]', b"[01]", b"tru"],
)
def test_malformed_json_is_one_line(data: bytes) -> None:
    assert _refused(data).reason == JsonFault.MALFORMED


def test_an_unterminated_string_of_escaped_quotes_is_linear() -> None:
    # Each quote could start a string; a backtracking scan would be quadratic here.
    assert _refused(b'"' + b'\\"' * 2_000_000).reason == JsonFault.MALFORMED
    assert _refused(b'["' * 1_000_000).reason in {JsonFault.MALFORMED, JsonFault.TOO_DEEP}


# --- fuzzing -------------------------------------------------------------------------------

# RJFACIL_FUZZ_EXAMPLES=50000 for a long campaign; the default keeps make test quick.
EXAMPLES = int(os.environ.get("RJFACIL_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=40,
)


def _depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


@FUZZ
@given(value=json_values, ensure_ascii=st.booleans())
def test_fuzz_valid_documents_parse_to_themselves(value: Any, ensure_ascii: bool) -> None:
    data = json.dumps(value, ensure_ascii=ensure_ascii, allow_nan=False).encode()
    assert parse_untrusted_json(data) == value


def _parse_or_refuse(data: bytes, **limits: Any) -> Any:
    try:
        result = parse_untrusted_json(data, **limits)
    except UntrustedJsonError as error:
        assert isinstance(error, RjfacilError) and "\n" not in str(error)
        return None
    # What is accepted can be written back as strict UTF-8 JSON and is within the limits.
    json.dumps(result, allow_nan=False, ensure_ascii=False).encode("utf-8")
    assert _depth(result) <= limits.get("max_depth", MAX_DEPTH)
    return result


@FUZZ
@given(data=st.binary(max_size=300))
def test_fuzz_random_bytes_parse_or_are_refused(data: bytes) -> None:
    _parse_or_refuse(data)


json_alphabet = st.sampled_from(list('{}[]":,\\ 0123456789.eE+-truefalsnNaIiy\n\x00\xff'))


@FUZZ
@given(text=st.lists(json_alphabet, max_size=200).map("".join))
def test_fuzz_json_shaped_noise_agrees_with_json(text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    result = _parse_or_refuse(data, max_depth=4)
    if result is not None:
        assert result == json.loads(data)


@FUZZ
@given(value=json_values, cut=st.integers(0, 400), insert=st.text(max_size=4))
def test_fuzz_mutated_documents_parse_or_are_refused(value: Any, cut: int, insert: str) -> None:
    data = json.dumps(value).encode()
    cut %= len(data) + 1
    _parse_or_refuse(data[:cut] + insert.encode("utf-8", "surrogatepass") + data[cut + 1 :])
