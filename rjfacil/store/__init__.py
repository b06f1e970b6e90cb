"""Files on disk, with no knowledge of cases: durable writes, the rjv container, key
derivation, the vault header, the folder lock, and the encrypted TinyDB storage."""
