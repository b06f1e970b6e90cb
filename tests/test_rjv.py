"""The .rjv format: damage is told apart from tampering, and both name the file."""

from __future__ import annotations

import random
import secrets
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rjfacil.errors import DamagedFile, TamperedFile
from rjfacil.store import rjv

KEY = bytes(range(32))
NAME = "cases/0b6e3a52-5d6b-4a55-9a3e-1f7d6f0c2a11.rjv"
PATH = Path("/vault/cases/0b6e3a52-5d6b-4a55-9a3e-1f7d6f0c2a11.rjv")
DOC = {"notes": {"1": {"text": "Met Alex at home; agreed next visit."}}}


@pytest.fixture(scope="module")
def sealed() -> bytes:
    return rjv.seal_json(KEY, DOC, NAME)


def flip(data: bytes, index: int, mask: int = 0x01) -> bytes:
    changed = bytearray(data)
    changed[index] ^= mask
    return bytes(changed)


def test_round_trip(sealed: bytes) -> None:
    assert rjv.unseal_json(KEY, sealed, PATH, NAME) == DOC


def test_layout(sealed: bytes) -> None:
    assert sealed[:4] == b"RJV\x00"
    assert sealed[4] == 1
    length = int.from_bytes(sealed[37:45], "big")
    assert len(sealed) == 4 + 1 + 32 + 8 + 32 + length


def test_no_plaintext_in_the_file(sealed: bytes) -> None:
    assert b"Alex" not in sealed
    assert b"notes" not in sealed


def test_every_write_differs() -> None:
    one, two = rjv.seal_json(KEY, DOC, NAME), rjv.seal_json(KEY, DOC, NAME)
    assert one[5:37] != two[5:37]
    assert one[77:] != two[77:]


@pytest.mark.parametrize("index", range(rjv.PREFIX_BYTES))
@pytest.mark.parametrize("mask", [0x01, 0x80, 0xFF])
def test_any_header_or_checksum_byte_changed_is_damage(
    sealed: bytes, index: int, mask: int
) -> None:
    with pytest.raises(DamagedFile) as caught:
        rjv.unseal(KEY, flip(sealed, index, mask), PATH, NAME)
    assert str(PATH) in str(caught.value)
    assert caught.value.path == PATH


def test_newer_format_says_so(sealed: bytes) -> None:
    newer = sealed[:4] + bytes([2]) + sealed[5:]
    with pytest.raises(DamagedFile, match="newer rjfacil"):
        rjv.unseal(KEY, newer, PATH, NAME)


def test_payload_bits_changed_is_tampering(sealed: bytes) -> None:
    rng = random.Random(1)
    for _ in range(300):
        index = rng.randrange(rjv.PREFIX_BYTES, len(sealed))
        with pytest.raises(TamperedFile) as caught:
            rjv.unseal(KEY, flip(sealed, index, 1 << rng.randrange(8)), PATH, NAME)
        assert str(PATH) in str(caught.value)


def test_every_truncation_is_damage(sealed: bytes) -> None:
    for length in range(len(sealed)):
        with pytest.raises(DamagedFile) as caught:
            rjv.unseal(KEY, sealed[:length], PATH, NAME)
        assert str(PATH) in str(caught.value)


# Seeded, so every pytest-xdist worker collects the same parameters.
@pytest.mark.parametrize(
    "extra",
    [b"\x00", b"garbage", random.Random(4096).randbytes(4096)],
    ids=["one-zero", "garbage", "4096-random"],
)
def test_appended_bytes_are_damage(sealed: bytes, extra: bytes) -> None:
    with pytest.raises(DamagedFile, match="extra bytes"):
        rjv.unseal(KEY, sealed + extra, PATH, NAME)


def test_another_vaults_key_is_refused(sealed: bytes) -> None:
    with pytest.raises(TamperedFile, match="another vault"):
        rjv.unseal(secrets.token_bytes(32), sealed, PATH, NAME)


def test_a_file_moved_to_another_place_is_refused(sealed: bytes) -> None:
    other = "cases/7c1d0d1e-8f0a-4e55-b6b3-2f0a1b2c3d4e.rjv"
    with pytest.raises(TamperedFile):
        rjv.unseal(KEY, sealed, PATH, other)
    with pytest.raises(TamperedFile):
        rjv.unseal(KEY, sealed, PATH, "index.rjv")


def test_not_an_rjv_file() -> None:
    with pytest.raises(DamagedFile, match="not an rjfacil file"):
        rjv.unseal(KEY, b'{"notes": {}}', PATH, NAME)
    with pytest.raises(DamagedFile, match="empty"):
        rjv.unseal(KEY, b"", PATH, NAME)


def test_nan_is_refused_when_saving() -> None:
    with pytest.raises(ValueError):
        rjv.seal_json(KEY, {"x": float("nan")}, NAME)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None)
@given(document=st.dictionaries(st.text(max_size=10), json_values, max_size=5))
def test_any_json_document_round_trips(document: dict) -> None:
    assert rjv.unseal_json(KEY, rjv.seal_json(KEY, document, NAME), PATH, NAME) == document


def test_a_long_integer_a_newer_rjfacil_wrote_survives_a_read() -> None:
    big = {"unknown_field": 2**70, "negative": -(2**64) - 1}
    assert rjv.unseal_json(KEY, rjv.seal_json(KEY, big, NAME), PATH, NAME) == big
