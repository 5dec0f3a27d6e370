"""Content hashes for sign-offs (签字确认): SHA-256 over a canonical serialisation.

No Django here. A sign-off stores the hash of exactly what was signed; recomputing it
later from the stored rows shows whether anything changed since (signature valid or not).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical(payload: Any) -> bytes:
    """One byte string per content: sorted keys, no spaces, UTF-8 (Chinese kept as is)."""
    return json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode("utf-8")


def content_hash(payload: Any) -> str:
    return hashlib.sha256(canonical(payload)).hexdigest()
