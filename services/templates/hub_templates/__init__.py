"""The templates service: message templates: the local mirror of Meta's templates."""
