"""The Client Hub's shared Lambda layer: what every service stands on."""
