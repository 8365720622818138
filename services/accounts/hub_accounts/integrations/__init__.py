"""The accounts service's adapters to what it does not own: the Cognito user pool."""
