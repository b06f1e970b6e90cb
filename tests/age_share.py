"""Share-passphrase bundles made cheaply, for tests whose subject is not the work factor.

pyrage calibrates scrypt to about a second on the machine it runs on, and has no parameter
to choose the work factor, so every share-passphrase bundle costs a second to make and
another to open. Tests of what rjfacil does with such a bundle (the command line, a
refusal) take the fixture ``cheap_share_passphrase`` (tests/conftest.py): pyrage's
passphrase encryption is replaced, for that test only, by the corpus's independent age
encoder at scrypt 2^10. Decryption stays pyrage's. The real, calibrated work factor is
still used by tests/test_agefile.py::test_passphrase_round_trip and the age interoperability
tests.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

CORPUS = Path(__file__).resolve().parent / "fixtures" / "age"
CHEAP_LOG_N = 10


def load_corpus_generator() -> ModuleType:
    """tests/fixtures/age/make_corpus.py, the independent age encoder, as a module."""
    loaded = sys.modules.get("make_corpus")
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def seal_cheaply(plaintext: bytes, passphrase: str, armored: bool = False) -> bytes:
    """What ``pyrage.passphrase.encrypt`` returns, but at scrypt 2^10 (milliseconds)."""
    if armored:
        raise NotImplementedError("rjfacil writes binary age files only")
    generator = load_corpus_generator()
    return bytes(generator.sealed_to_passphrase(bytes(plaintext), passphrase, CHEAP_LOG_N))
