"""The guides as data and the pure state machine that walks a team through them.

Nothing in this package does I/O beyond reading the guide files, and nothing here knows
about channels or databases.
"""
