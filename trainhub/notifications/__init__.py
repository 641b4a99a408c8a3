"""Notifications: the outbox (every message a row in the change's own transaction) and its channels."""
