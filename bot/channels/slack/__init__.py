"""Slack: the coach as a Slack app (slack-bolt), mounted at /slack; see app.py."""
