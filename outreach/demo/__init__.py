"""The synthetic demo year."""
