"""The local cloud: the hub on one machine, driven by infra/template.yaml (see README)."""
