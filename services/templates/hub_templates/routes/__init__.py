"""The templates service's routes."""
