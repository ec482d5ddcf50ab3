"""Concerns, handoffs to the CJG and the CJG's inbox."""
