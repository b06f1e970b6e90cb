"""Key derivation and key slots: the right secret opens, anything else is refused."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from rjfacil.errors import HeaderError, WrongPassphrase
from rjfacil.store import kdf

# Bound at import, before conftest's autouse fixture swaps in a fast stand-in.
_real_calibrate = kdf.calibrate

FAST = kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)
VAULT_ID = "6f1c2d9e-0000-4000-8000-000000000001"


@pytest.fixture
def vault_key() -> bytes:
    return secrets.token_bytes(32)


def test_right_passphrase_opens_the_slot(vault_key: bytes) -> None:
    secret = kdf.encode_passphrase("correct horse battery")
    slot = kdf.make_slot(kdf.SLOT_PASSPHRASE, secret, vault_key, VAULT_ID, FAST)
    assert kdf.open_slot(slot, secret, VAULT_ID) == vault_key


def test_wrong_passphrase_is_refused(vault_key: bytes) -> None:
    slot = kdf.make_slot(
        kdf.SLOT_PASSPHRASE, kdf.encode_passphrase("right one"), vault_key, VAULT_ID, FAST
    )
    with pytest.raises(WrongPassphrase, match="Wrong passphrase"):
        kdf.open_slot(slot, kdf.encode_passphrase("wrong one"), VAULT_ID)


def test_slot_from_another_vault_is_refused(vault_key: bytes) -> None:
    secret = kdf.encode_passphrase("right one")
    slot = kdf.make_slot(kdf.SLOT_PASSPHRASE, secret, vault_key, VAULT_ID, FAST)
    with pytest.raises(WrongPassphrase):
        kdf.open_slot(slot, secret, "another-vault")


def test_slot_kind_is_bound(vault_key: bytes) -> None:
    secret = kdf.encode_passphrase("right one")
    slot = kdf.make_slot(kdf.SLOT_PASSPHRASE, secret, vault_key, VAULT_ID, FAST)
    with pytest.raises(WrongPassphrase, match="recovery code"):
        kdf.open_slot({**slot, "kind": kdf.SLOT_RECOVERY}, secret, VAULT_ID)


def test_each_slot_has_fresh_salt_and_nonce(vault_key: bytes) -> None:
    secret = kdf.encode_passphrase("same")
    one = kdf.make_slot(kdf.SLOT_PASSPHRASE, secret, vault_key, VAULT_ID, FAST)
    two = kdf.make_slot(kdf.SLOT_PASSPHRASE, secret, vault_key, VAULT_ID, FAST)
    assert one["salt"] != two["salt"]
    assert one["wrapped"] != two["wrapped"]


def test_passphrase_is_nfc_normalised(vault_key: bytes) -> None:
    composed = "caf\u00e9 au lait"
    decomposed = "cafe\u0301 au lait"
    slot = kdf.make_slot(
        kdf.SLOT_PASSPHRASE, kdf.encode_passphrase(composed), vault_key, VAULT_ID, FAST
    )
    assert kdf.open_slot(slot, kdf.encode_passphrase(decomposed), VAULT_ID) == vault_key


def test_recovery_code_round_trip(vault_key: bytes) -> None:
    code = kdf.new_recovery_code()
    groups = code.split("-")
    assert len(groups) == 8 and all(len(group) == 4 for group in groups)
    slot = kdf.make_slot(
        kdf.SLOT_RECOVERY, kdf.normalise_recovery_code(code), vault_key, VAULT_ID, FAST
    )
    typed = " " + code.lower().replace("-", " ", 3).replace("-", "") + "\n"
    assert kdf.open_slot(slot, kdf.normalise_recovery_code(typed), VAULT_ID) == vault_key


def test_recovery_codes_differ() -> None:
    assert len({kdf.new_recovery_code() for _ in range(20)}) == 20


@pytest.mark.parametrize(
    "text", ["", "ABCD-EFGH", "0BCD-" * 7 + "ABCD", "ABCD-" * 8 + "A", "é" * 32]
)
def test_malformed_recovery_code_is_a_wrong_code(text: str) -> None:
    with pytest.raises(WrongPassphrase, match="recovery code"):
        kdf.normalise_recovery_code(text)


@pytest.fixture
def argon2_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Records each Argon2id set-up (its memory), still deriving for real."""
    calls: list[int] = []
    real = kdf.Argon2id

    def counted(**kwargs: Any) -> Any:
        calls.append(kwargs["memory_cost"])
        return real(**kwargs)

    monkeypatch.setattr(kdf, "Argon2id", counted)
    return calls


@pytest.mark.parametrize(
    "change",
    [
        {"memory_kib": 64 * 1024 * 1024},
        {"memory_kib": kdf.MAX_MEMORY_KIB + 1},
        {"iterations": 11},
        {"iterations": 10**9},
        {"lanes": 9},
        {"lanes": 0},
        {"iterations": 0},
        {"name": "scrypt"},
        {"memory_kib": "65536"},
        {"iterations": 3.0},
        {"lanes": True},
    ],
)
def test_settings_over_the_caps_are_refused_at_once(
    change: dict, vault_key: bytes, argon2_calls: list[int]
) -> None:
    secret = kdf.encode_passphrase("right one")
    slot = kdf.make_slot(kdf.SLOT_PASSPHRASE, secret, vault_key, VAULT_ID, FAST)
    argon2_calls.clear()
    slot["kdf"] = {**slot["kdf"], **change}
    with pytest.raises(HeaderError):
        kdf.open_slot(slot, secret, VAULT_ID)
    assert argon2_calls == [], "refused before any key derivation starts"


def test_caps_are_checked_by_derive_too(argon2_calls: list[int]) -> None:
    huge = kdf.KdfParams(memory_kib=kdf.MAX_MEMORY_KIB * 2, iterations=3, lanes=4)
    with pytest.raises(HeaderError):
        kdf.derive(b"secret", bytes(16), huge)
    assert argon2_calls == []


def test_the_caps_themselves_are_allowed() -> None:
    kdf.check_caps(kdf.CAPS)
    kdf.check_caps(kdf.MIN)


@pytest.mark.parametrize(
    "slot",
    [
        None,
        {},
        {"kind": "passphrase"},
        {"kind": "passphrase", "kdf": {"name": "argon2id"}},
        {
            "kind": "passphrase",
            "kdf": FAST.to_dict(),
            "salt": "!!",
            "nonce": "AAAAAAAAAAAAAAAA",
            "wrapped": "",
        },
        {
            "kind": "passphrase",
            "kdf": FAST.to_dict(),
            "salt": "AAAA",
            "nonce": "AAAAAAAAAAAAAAAA",
            "wrapped": "AAAA",
        },
    ],
)
def test_malformed_slots_are_header_errors(slot: object) -> None:
    with pytest.raises(HeaderError):
        kdf.open_slot(slot, b"secret", VAULT_ID)  # type: ignore[arg-type]


def test_params_round_trip_through_the_header() -> None:
    assert kdf.KdfParams.from_dict(kdf.MIN.to_dict()) == kdf.MIN


def test_calibrate_meets_the_floor_and_the_caps() -> None:
    params = _real_calibrate()
    assert params.name == "argon2id"
    assert params.memory_kib >= kdf.MIN.memory_kib
    assert params.iterations >= kdf.MIN.iterations
    kdf.check_caps(params)
    # How long unlocking then takes is a budget, printed by bench/vault_budgets.py.
