"""The templates service's scheduled jobs."""
