"""The templates service's use cases: free of boto3, given `now` and their ports."""
