"""The webhooks service: Meta webhook ingress."""

from hub_shared.cold_start import pause_collector

pause_collector()  # until the handler is defined: see hub_shared.cold_start
