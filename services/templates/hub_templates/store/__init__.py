"""The templates service's one store: its table."""
