"""The webhooks service: Meta webhook ingress."""
