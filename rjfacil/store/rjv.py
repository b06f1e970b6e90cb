"""The .rjv file format: one encrypted JSON document.

Layout::

    header   MAGIC b"RJV\\0" (4) | version (1) | nonce (32) | ciphertext length (8, big endian)
    check    SHA-256 of the header (32)
    body     AES-256-GCM ciphertext with its 16-byte tag

Each write draws a fresh nonce and derives a one-time key from the vault key with
HKDF (salt = nonce, info names the file's logical place, as age does), so the GCM
nonce can be all zeros, and a file copied to another place does not decrypt. The
exact header bytes are the associated data. The header checksum lets us tell a
damaged file (broken framing) from a tampered one or one from another vault
(framing intact, authentication fails).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import struct
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from rjfacil.errors import DamagedFile, TamperedFile

MAGIC = b"RJV\x00"
VERSION = 1
NONCE_BYTES = 32
_LENGTH = struct.Struct(">Q")
HEADER_BYTES = len(MAGIC) + 1 + NONCE_BYTES + _LENGTH.size
CHECK_BYTES = 32
PREFIX_BYTES = HEADER_BYTES + CHECK_BYTES
TAG_BYTES = 16
_INFO = b"rjfacil rjv v1 "
_GCM_NONCE = bytes(12)


def _file_key(vault_key: bytes, nonce: bytes, name: str) -> bytes:
    if len(vault_key) != 32:
        raise ValueError("the vault key must be 32 bytes")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=nonce, info=_INFO + name.encode("utf-8"))
    return hkdf.derive(vault_key)


def seal(key: bytes, plaintext: bytes, name: str, *, nonce: bytes | None = None) -> bytes:
    """Encrypt ``plaintext`` as the complete bytes of an .rjv file.

    Args:
        key: The 32-byte vault key.
        plaintext: The document.
        name: The file's logical place, e.g. ``"index.rjv"`` or ``"cases/<uuid>.rjv"``.
        nonce: Only to re-encrypt the same plaintext under another vault key (see
            :func:`nonce_of`): the file key is derived from the vault key, so it is new,
            and the file keeps its header, by which the manifest knows the write. Every
            new write takes a fresh random nonce (the default).
    """
    if nonce is None:
        nonce = secrets.token_bytes(NONCE_BYTES)
    elif len(nonce) != NONCE_BYTES:
        raise ValueError(f"a nonce is {NONCE_BYTES} bytes")
    length = len(plaintext) + TAG_BYTES
    header = MAGIC + bytes([VERSION]) + nonce + _LENGTH.pack(length)
    body = AESGCM(_file_key(key, nonce, name)).encrypt(_GCM_NONCE, plaintext, header)
    return header + hashlib.sha256(header).digest() + body


def unseal(key: bytes, data: bytes, path: Path, name: str) -> bytes:
    """Check and decrypt the bytes of an .rjv file.

    Args:
        key: The 32-byte vault key.
        data: The file's bytes.
        path: Where they came from, for the error message.
        name: The logical place the file was sealed for.

    Raises:
        DamagedFile: Not an .rjv file, a newer format, truncated, appended to, or a
            header that does not match its checksum.
        TamperedFile: The framing is intact but the content does not authenticate:
            changed, sealed with another vault's key, or moved from another place.
    """
    if len(data) < len(MAGIC) + 1:
        raise DamagedFile(path, "it is cut short" if data else "it is empty")
    if data[: len(MAGIC)] != MAGIC:
        raise DamagedFile(path, "it is not an rjfacil file")
    version = data[len(MAGIC)]
    if version > VERSION:
        raise DamagedFile(
            path, f"made by a newer rjfacil (format {version}); update rjfacil to open it"
        )
    if version != VERSION:
        raise DamagedFile(path, f"unknown format {version}")
    if len(data) < PREFIX_BYTES:
        raise DamagedFile(path, "it is cut short")
    header = data[:HEADER_BYTES]
    if hashlib.sha256(header).digest() != data[HEADER_BYTES:PREFIX_BYTES]:
        raise DamagedFile(path, "its header does not match its checksum")
    (length,) = _LENGTH.unpack(header[-_LENGTH.size :])
    actual = len(data) - PREFIX_BYTES
    if actual < length:
        raise DamagedFile(path, "it is cut short")
    if actual > length:
        raise DamagedFile(path, "it has extra bytes after its end")
    if length < TAG_BYTES:
        raise DamagedFile(path, "its length field is impossible")
    nonce = header[len(MAGIC) + 1 : len(MAGIC) + 1 + NONCE_BYTES]
    try:
        return AESGCM(_file_key(key, nonce, name)).decrypt(_GCM_NONCE, data[PREFIX_BYTES:], header)
    except InvalidTag:
        raise TamperedFile(path) from None


DIGEST_BYTES = 16


def nonce_of(data: bytes) -> bytes:
    """The nonce in the header of the .rjv bytes ``data`` (which must have been unsealed)."""
    return data[len(MAGIC) + 1 : len(MAGIC) + 1 + NONCE_BYTES]


def digest(data: bytes) -> str:
    """What names one write of an .rjv file: the start of its header's checksum.

    The header holds the write's fresh nonce, so every write has its own; the header is
    the associated data of the ciphertext, so a file that decrypts has the header it was
    written with. Bytes too short to hold a header give "".
    """
    if len(data) < PREFIX_BYTES:
        return ""
    return data[HEADER_BYTES : HEADER_BYTES + DIGEST_BYTES].hex()


def read_digest(path: Path) -> str:
    """:func:`digest` of the file at ``path``, reading only its first bytes.

    Raises:
        OSError: The file cannot be read (FileNotFoundError if it is not there).
    """
    with open(path, "rb") as handle:
        return digest(handle.read(PREFIX_BYTES))


def dumps(obj: Any) -> bytes:
    """The canonical serialisation of a document: compact UTF-8 JSON, no NaN."""
    return json.dumps(obj, allow_nan=False, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def _refuse_constant(constant: str) -> Any:
    raise ValueError(f"{constant} is not allowed")


def seal_json(key: bytes, obj: Any, name: str) -> bytes:
    """Serialise ``obj`` (see :func:`dumps`) and :func:`seal` it.

    Raises:
        ValueError: ``obj`` holds NaN or infinity.
        TypeError: ``obj`` holds something JSON cannot express.
    """
    return seal(key, dumps(obj), name)


def unseal_json(key: bytes, data: bytes, path: Path, name: str) -> Any:
    """:func:`unseal` and parse the document.

    Raises:
        DamagedFile: As :func:`unseal`, or the document is not valid JSON.
        TamperedFile: As :func:`unseal`.
    """
    plaintext = unseal(key, data, path, name)
    try:
        return json.loads(plaintext.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError):
        raise DamagedFile(path, "its contents are not a valid document") from None
