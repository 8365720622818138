"""The templates service: message templates: the local mirror of Meta's templates."""

from hub_shared.cold_start import pause_collector

pause_collector()  # until the handler is defined: see hub_shared.cold_start
