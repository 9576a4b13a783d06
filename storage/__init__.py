"""Persistence of workspaces, projects, answers, nudges and the audit trail.

Knows nothing of Slack, Teams or the guides' content: it stores what the coach hands it.
"""
