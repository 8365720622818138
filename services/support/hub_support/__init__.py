"""The support service: support tickets."""
