"""What a team answers in the guides' first steps, written by hand from the documents,
shared by the engine's specification tests."""

from __future__ import annotations

from datetime import date

from flows.loader import load_guides

TODAY = date(2026, 11, 23)
GUIDES = load_guides()
VISIT = GUIDES["kommer-forbi"]
SIGNPOST = GUIDES["vejviseren"]

# "Inden I kaster jer over guiden": target group and whom to visit are in place.
READY = [
    ("target_group_chosen", "ja"),
    ("target_group", "Unge mellem 18 og 25"),
    ("actors_chosen", "ja"),
    ("actors", "Ungdomsklubben i Vestbyen"),
    ("contact_person", "Klublederen"),
]
