"""Share-passphrase bundles made cheaply, for tests whose subject is not the work factor.

rjfacil seals a share passphrase at scrypt 2^18 (age's own work factor: about a second to
make a bundle and another to open it). Tests of what rjfacil does with such a bundle (the
command line, a refusal) take the fixture ``cheap_share_passphrase`` (tests/conftest.py),
which lowers it to 2^10 for that test only. Decryption is pyrage's either way. The real
work factor is used by tests/test_agefile.py::test_passphrase_round_trip and the age
interoperability tests. The corpus's independent age encoder is loaded from here too.
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
