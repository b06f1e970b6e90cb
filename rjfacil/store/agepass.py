"""A binary age file sealed to a passphrase at a fixed scrypt work factor.

pyrage's passphrase encryption chooses the work factor by timing one derivation on the
sender's machine: 2^19 on an idle laptop, 2^15 on a busy one, so how hard a bundle is to
guess depended on what else the machine was doing. This writes the same file (age v1,
one scrypt stanza: https://age-encryption.org/v1) at 2^18, the work factor age's own
command-line tool writes. Only the primitives come from ``cryptography``; pyrage and the
age tool open the result (tests/test_agefile_interop.py), and decryption stays pyrage's.
"""

from __future__ import annotations

import base64
import hmac
import os
from hashlib import sha256

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

# age's own choice (the Go tool's default): about a second and 256 MiB per try.
SHARE_LOG_N = 18
_CHUNK = 64 * 1024


def seal(plaintext: bytes, passphrase: str, log_n: int | None = None) -> bytes:
    """``plaintext`` as an age file that ``passphrase`` opens, at scrypt 2^``log_n``
    (:data:`SHARE_LOG_N` unless given)."""
    log_n = SHARE_LOG_N if log_n is None else log_n
    file_key, salt = os.urandom(16), os.urandom(16)
    scrypt = Scrypt(salt=b"age-encryption.org/v1/scrypt" + salt, length=32, n=2**log_n, r=8, p=1)
    wrapped = ChaCha20Poly1305(scrypt.derive(passphrase.encode("utf-8")))
    body = _b64(wrapped.encrypt(bytes(12), file_key, None))  # 43 characters: one line
    header = (
        b"age-encryption.org/v1\n"
        + b"-> scrypt "
        + _b64(salt)
        + b" "
        + str(log_n).encode("ascii")
        + b"\n"
        + body
        + b"\n---"
    )
    mac = hmac.new(_hkdf(file_key, b"", b"header"), header, sha256).digest()
    return header + b" " + _b64(mac) + b"\n" + _payload(file_key, plaintext)


def _payload(file_key: bytes, plaintext: bytes) -> bytes:
    """The STREAM payload: a nonce, then 64 KiB chunks, the last one flagged."""
    nonce = os.urandom(16)
    aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
    chunks = [plaintext[at : at + _CHUNK] for at in range(0, len(plaintext), _CHUNK)] or [b""]
    sealed = [nonce]
    for counter, chunk in enumerate(chunks):
        last = b"\x01" if counter == len(chunks) - 1 else b"\x00"
        sealed.append(aead.encrypt(counter.to_bytes(11, "big") + last, chunk, None))
    return b"".join(sealed)


def _hkdf(secret: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret)


def _b64(data: bytes) -> bytes:
    """age's base64: standard alphabet, no padding."""
    return base64.b64encode(data).rstrip(b"=")
