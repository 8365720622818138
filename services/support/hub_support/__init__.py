"""The support service: support tickets."""

from hub_shared.cold_start import pause_collector

pause_collector()  # until the handler is defined: see hub_shared.cold_start
