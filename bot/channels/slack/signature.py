"""Slack's request signature, checked on the raw bytes before anything reads them.

Slack signs ``v0:<timestamp>:<body>`` with the app's signing secret (HMAC-SHA256) and
sends the timestamp and ``v0=<hex>`` in headers. slack_sdk's ``SignatureVerifier`` does the
same sum, but decodes the body as UTF-8 and the timestamp as an int first, and raises (a
500) on a binary body or a timestamp that is not a number; here both are simply not
signed by Slack: 401.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Callable, Mapping

MAX_AGE_SECONDS = 5 * 60  # Slack's own rule: older requests may be replays
_TIMESTAMP = re.compile(rb"^[0-9]{1,12}$")


def is_signed(secret: str, body: bytes, headers: Mapping[str, str], clock: Callable[[], float] = time.time) -> bool:
    stamp = headers.get("X-Slack-Request-Timestamp", "").encode("ascii", "replace")
    given = headers.get("X-Slack-Signature", "").encode("ascii", "replace")
    if not _TIMESTAMP.fullmatch(stamp) or abs(clock() - int(stamp)) > MAX_AGE_SECONDS:
        return False
    digest = hmac.new(secret.encode(), b"v0:" + stamp + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(b"v0=" + digest.encode(), given)
