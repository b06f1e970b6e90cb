"""The case document: its records (model), the audit chain, and the codec that reads every
released format version and writes the current one."""
