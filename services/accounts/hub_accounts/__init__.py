"""The accounts service: the caller's account, partner permissions, partner change requests."""
