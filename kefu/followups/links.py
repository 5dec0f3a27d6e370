"""Personal links that need no login: signed, expiring, used once (R-FUP-3, R-FUP-4).

The token signs (what, row id, nonce). The row keeps the nonce, its own expiry and
when it was used, so a token is refused when tampered with, expired, used, or its
row was replaced; every refusal is a :class:`LinkRefused` (a 4xx page, never a 500).
"""

from __future__ import annotations

import secrets

from django.core import signing
from django.utils.translation import gettext as _

from kefu.errors import DomainError

_SALT = "kefu.followups.link"


class LinkRefused(DomainError):
    status = 400
    code = "link-refused"

    def title(self) -> str:
        return _("This link cannot be used")


class LinkGone(LinkRefused):
    status = 410
    code = "link-gone"


def new_nonce() -> str:
    return secrets.token_hex(16)


def make_token(what: str, pk: int, nonce: str) -> str:
    return signing.dumps({"w": what, "i": pk, "n": nonce}, salt=_SALT, compress=True)


def read_token(what: str, token: str, *, max_age_days: int) -> tuple[int, str]:
    """(row id, nonce) of a valid token for ``what``; LinkRefused/LinkGone otherwise."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=max_age_days * 86400)
    except signing.SignatureExpired:
        raise LinkGone(message=_("This link has expired.")) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkRefused(
            message=_("This link is not valid. Check that it was copied whole.")
        ) from None
    if not isinstance(data, dict) or data.get("w") != what or not isinstance(data.get("i"), int):
        raise LinkRefused(message=_("This link is not valid. Check that it was copied whole."))
    return data["i"], str(data.get("n", ""))


class RateLimited(DomainError):
    status = 429
    code = "rate-limited"

    def title(self) -> str:
        return _("Too many requests")


def rate_limited(request, *, limit: int = 30, window_seconds: int = 600) -> bool:
    """True when this address has opened or sent public links more than ``limit`` times
    within the window: the public pages need no login, so guessing is slowed down here."""
    from django.core.cache import cache

    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    key = f"kefu:followups:public:{address}"
    if cache.add(key, 1, timeout=window_seconds):
        return False
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window_seconds)
        return False
    return count > limit
