"""Logging in: password, second factor, throttling."""
