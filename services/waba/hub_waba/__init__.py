"""The waba service: WABA details, business profile and commerce settings."""
