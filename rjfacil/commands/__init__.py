"""Changing a case: one function per user action, one durable commit each, the case
model's rules enforced here so the screens, the command line and an import all obey them."""
