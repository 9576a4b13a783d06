"""Channels: the ways people reach the coach (the browser today; Slack and Teams later)."""
