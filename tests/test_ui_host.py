"""The screens' one way to the vault: the unlocked Vault, or a clear error while locked."""

from __future__ import annotations

import pytest

from rjfacil.workspace import Vault
from screens.host import NotUnlocked, VaultHost


def test_the_unlocked_vault_is_given_and_a_locked_one_is_refused(vault: Vault) -> None:
    host = VaultHost()
    with pytest.raises(NotUnlocked) as refused:
        host.unlocked_vault  # noqa: B018  (no vault yet)
    assert str(refused.value) == "The vault is locked: unlock it to go on."
    host.vault = vault
    assert host.unlocked and host.unlocked_vault is vault and host.vault_if_unlocked is vault
    host.vault = vault.lock()
    assert not host.unlocked and host.vault_if_unlocked is None
    with pytest.raises(NotUnlocked):
        host.unlocked_vault  # noqa: B018
