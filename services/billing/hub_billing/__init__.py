"""The billing service: Stripe subscriptions, insights and prepaid funds."""
