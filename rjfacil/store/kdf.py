"""Key derivation and key slots: the only way to the vault key.

The vault key is random and is stored only wrapped, in key slots. A slot holds the
Argon2id parameters and salt that turn a secret (the passphrase or the recovery
code) into a wrapping key, and the vault key sealed under it with AES-256-GCM.
The parameters come from vault.json, which anyone can edit, so they are checked
against caps before any derivation: a header asking for 64 GiB of memory must be
refused, not attempted.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import time
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from rjfacil.errors import HeaderError, WrongPassphrase

KDF_NAME = "argon2id"
KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12

MIN_MEMORY_KIB = 64 * 1024
MIN_ITERATIONS = 3
MAX_MEMORY_KIB = 1024 * 1024
MAX_ITERATIONS = 10
MAX_LANES = 8
DEFAULT_LANES = 4
# calibrate() raises memory up to this, then iterations.
_CALIBRATE_MAX_MEMORY_KIB = 256 * 1024

# Memory times passes (KiB) from which an unlock is expected to be slow enough to say so
# before it starts: 1 GiB-pass, about a second here (64 MiB x 3 passes takes 0.2 s); the
# caps (1 GiB x 10) take about ten. Judged from the stored settings, never by timing.
SLOW_WORK_KIB = 1024 * 1024

SLOT_PASSPHRASE = "passphrase"
SLOT_RECOVERY = "recovery"
_SLOT_AD = b"rjfacil-slot-v1"

RECOVERY_BYTES = 20
_RECOVERY_GROUP = 4
_BASE32 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


@dataclass(frozen=True, kw_only=True)
class KdfParams:
    """Argon2id cost settings, as stored in the vault header.

    Attributes:
        name: Always "argon2id"; kept so the header names its KDF.
        memory_kib: Memory cost in KiB.
        iterations: Number of passes over the memory (Argon2's t).
        lanes: Degree of parallelism (Argon2's p).
    """

    name: str = KDF_NAME
    memory_kib: int
    iterations: int
    lanes: int

    def to_dict(self) -> dict[str, Any]:
        """The header form: ``{"name", "memory_kib", "iterations", "lanes"}``."""
        return {
            "name": self.name,
            "memory_kib": self.memory_kib,
            "iterations": self.iterations,
            "lanes": self.lanes,
        }

    @classmethod
    def from_dict(cls, data: object) -> KdfParams:
        """Read header settings, refusing anything malformed or above the caps.

        Raises:
            HeaderError: A field is missing, of the wrong type, unknown, or too costly.
        """
        if not isinstance(data, dict):
            raise HeaderError("The vault header's key settings are not readable.")
        try:
            params = cls(
                name=data["name"],
                memory_kib=data["memory_kib"],
                iterations=data["iterations"],
                lanes=data["lanes"],
            )
        except KeyError as missing:
            raise HeaderError(
                f"The vault header's key settings lack {missing.args[0]!r}."
            ) from None
        check_caps(params)
        return params


MIN = KdfParams(memory_kib=MIN_MEMORY_KIB, iterations=MIN_ITERATIONS, lanes=DEFAULT_LANES)
CAPS = KdfParams(memory_kib=MAX_MEMORY_KIB, iterations=MAX_ITERATIONS, lanes=MAX_LANES)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_caps(params: KdfParams) -> None:
    """Refuse settings no honest vault would carry, before any derivation.

    Only the upper bounds (and Argon2's own lower bounds) are enforced here, so a
    vault made with cheaper settings in tests still opens; ``MIN`` is what
    :func:`calibrate` never goes below.

    Raises:
        HeaderError: Unknown KDF, non-integer values, or values out of range.
    """
    if params.name != KDF_NAME:
        raise HeaderError(f"The vault header names an unknown key derivation {params.name!r}.")
    values = {"memory": params.memory_kib, "iterations": params.iterations, "lanes": params.lanes}
    for label, value in values.items():
        if not _is_int(value):
            raise HeaderError(f"The vault header's key {label} setting is not a whole number.")
    if not 1 <= params.lanes <= MAX_LANES:
        raise HeaderError(f"The vault header asks for {params.lanes} lanes (1 to {MAX_LANES}).")
    if not 1 <= params.iterations <= MAX_ITERATIONS:
        raise HeaderError(
            f"The vault header asks for {params.iterations} iterations (1 to {MAX_ITERATIONS})."
        )
    if not 8 * params.lanes <= params.memory_kib <= MAX_MEMORY_KIB:
        raise HeaderError(
            f"The vault header asks for {params.memory_kib} KiB of memory "
            f"(at most {MAX_MEMORY_KIB} KiB)."
        )


def expected_slow(params: KdfParams) -> bool:
    """Whether deriving with ``params`` is expected to take long (about a second or more
    here), from the work the settings ask for: memory times passes, against
    :data:`SLOW_WORK_KIB`."""
    return params.memory_kib * params.iterations >= SLOW_WORK_KIB


def derive(secret: bytes, salt: bytes, params: KdfParams) -> bytes:
    """Derive a 32-byte key from ``secret`` with Argon2id.

    Raises:
        HeaderError: The parameters are over the caps (checked first).
    """
    check_caps(params)
    kdf = Argon2id(
        salt=salt,
        length=KEY_BYTES,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(secret)


def time_derivation(params: KdfParams, rounds: int = 1) -> float:
    """Seconds one derivation takes with ``params`` here (the fastest of ``rounds``)."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        derive(b"calibration", os.urandom(SALT_BYTES), params)
        best = min(best, time.perf_counter() - start)
    return best


def calibrate(target: tuple[float, float] = (0.25, 1.0), aim: float = 0.3) -> KdfParams:
    """Choose Argon2id settings so one unlock takes about ``aim`` to ``target[1]`` seconds.

    Starts at ``MIN`` (64 MiB, t=3, 4 lanes) and raises memory first (doubling, up to
    256 MiB: memory is what makes guessing on GPUs costly), then iterations, until a
    derivation takes at least ``aim`` seconds. Never weaker than ``MIN``; if even
    ``MIN`` takes longer than ``target[1]`` here, ``MIN`` is returned anyway.

    Args:
        target: The acceptable unlock time range in seconds.
        aim: The least time to reach; kept above ``target[0]`` to leave room for noise.
    """
    params = MIN
    elapsed = time_derivation(params, rounds=2)
    while elapsed < aim:
        # Overshoot the aim a little so timing noise does not leave us under it.
        want = (aim * 1.3) / elapsed
        if params.memory_kib < _CALIBRATE_MAX_MEMORY_KIB:
            memory = min(params.memory_kib * 2, _CALIBRATE_MAX_MEMORY_KIB)
            candidate = replace(params, memory_kib=memory)
        elif params.iterations < MAX_ITERATIONS:
            iterations = max(params.iterations + 1, round(params.iterations * want))
            candidate = replace(params, iterations=min(MAX_ITERATIONS, iterations))
        else:
            break
        candidate_time = time_derivation(candidate, rounds=2)
        if candidate_time >= target[1]:
            break
        params, elapsed = candidate, candidate_time
    return params


def encode_passphrase(passphrase: str) -> bytes:
    """The bytes a passphrase stands for: NFC-normalised UTF-8.

    NFC makes "é" typed as one code point or as "e" plus an accent the same secret.
    """
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _slot_ad(kind: str, vault_id: str) -> bytes:
    return b"\x00".join((_SLOT_AD, kind.encode("utf-8"), vault_id.encode("utf-8")))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(slot: dict[str, Any], field: str) -> bytes:
    value = slot.get(field)
    if not isinstance(value, str):
        raise HeaderError(f"A key slot in the vault header lacks its {field}.")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise HeaderError(f"A key slot in the vault header has an unreadable {field}.") from None


def make_slot(
    kind: str, secret: bytes, vault_key: bytes, vault_id: str, params: KdfParams
) -> dict[str, Any]:
    """Wrap ``vault_key`` under a key derived from ``secret``.

    Args:
        kind: ``SLOT_PASSPHRASE`` or ``SLOT_RECOVERY``; bound into the slot.
        secret: ``encode_passphrase(...)`` or ``normalise_recovery_code(...)``.
        vault_key: The 32-byte vault key.
        vault_id: The vault's id; binds the slot to its vault.
        params: Argon2id settings to record in the slot.

    Returns:
        A JSON-ready dict: kind, kdf settings, and base64 salt, nonce and wrapped key.
    """
    if len(vault_key) != KEY_BYTES:
        raise ValueError("the vault key must be 32 bytes")
    salt = secrets.token_bytes(SALT_BYTES)
    nonce = secrets.token_bytes(NONCE_BYTES)
    wrapping_key = derive(secret, salt, params)
    wrapped = AESGCM(wrapping_key).encrypt(nonce, vault_key, _slot_ad(kind, vault_id))
    return {
        "kind": kind,
        "kdf": params.to_dict(),
        "salt": _b64(salt),
        "nonce": _b64(nonce),
        "wrapped": _b64(wrapped),
    }


def open_slot(slot: dict[str, Any], secret: bytes, vault_id: str) -> bytes:
    """Unwrap the vault key from ``slot`` with ``secret``.

    Raises:
        HeaderError: The slot is malformed or its settings are over the caps.
        WrongPassphrase: The secret is wrong (or the slot belongs to another vault).
    """
    if not isinstance(slot, dict):
        raise HeaderError("A key slot in the vault header is not readable.")
    kind = slot.get("kind")
    if not isinstance(kind, str):
        raise HeaderError("A key slot in the vault header lacks its kind.")
    params = KdfParams.from_dict(slot.get("kdf"))
    salt = _unb64(slot, "salt")
    nonce = _unb64(slot, "nonce")
    wrapped = _unb64(slot, "wrapped")
    if len(salt) != SALT_BYTES or len(nonce) != NONCE_BYTES or len(wrapped) != KEY_BYTES + 16:
        raise HeaderError("A key slot in the vault header has fields of the wrong size.")
    wrapping_key = derive(secret, salt, params)
    try:
        return AESGCM(wrapping_key).decrypt(nonce, wrapped, _slot_ad(kind, vault_id))
    except InvalidTag:
        raise WrongPassphrase("recovery code" if kind == SLOT_RECOVERY else "passphrase") from None


def new_recovery_code() -> str:
    """160 random bits as base32 in groups of four, e.g. ``ABCD-EFGH-...`` (8 groups)."""
    text = base64.b32encode(secrets.token_bytes(RECOVERY_BYTES)).decode("ascii")
    return "-".join(text[i : i + _RECOVERY_GROUP] for i in range(0, len(text), _RECOVERY_GROUP))


def normalise_recovery_code(text: str) -> bytes:
    """The 20 bytes a recovery code stands for, however it was typed.

    Case does not matter; spaces, dashes and other whitespace are ignored.

    Raises:
        WrongPassphrase: The text is not a recovery code (bad characters or length).
    """
    compact = "".join(ch for ch in text.upper() if ch != "-" and not ch.isspace())
    if len(compact) != 32 or not set(compact) <= _BASE32:
        raise WrongPassphrase("recovery code")
    return base64.b32decode(compact)
