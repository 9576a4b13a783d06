"""Microsoft Teams: the coach as a Bot Framework bot (botbuilder), mounted at /api/messages.

Every import of botbuilder and botframework stays inside this folder: Microsoft ended
support for the Python Bot Framework SDK at the end of 2025, and a move to its successor
(the Microsoft 365 Agents SDK or the Teams SDK) should touch this folder alone.
"""

PLATFORM = "teams"
