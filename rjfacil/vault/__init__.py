"""The encrypted vault: key derivation, .rjv files, durable writes, storage, the vault."""
