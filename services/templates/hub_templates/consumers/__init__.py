"""The templates service's event consumers."""
