"""Web security that Django does not ship (issue 10, docs/reliability.md "Web security").

- :class:`SecurityHeadersMiddleware` sends a strict Content-Security-Policy on every
  response: scripts only from Kefu's own origin or inline with this response's nonce,
  no plugins, no framing, forms post only to Kefu. Pages put ``nonce="{{ csp_nonce }}"``
  on their few inline scripts and use no inline event handlers.
- :class:`PersonalDataFilter` masks phone and ID numbers in every log line (R-SEC-1):
  logs are read by people without reveal, and an exception's text can carry input.
"""

from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.core.checks import Tags, Warning, register

from kefu.customers.masking import mask_text

# Styles may be inline: the server-drawn SVG charts carry <style> elements and style
# attributes, and a style cannot run script. Media may come from the telephone system's
# recording server (http or https), which is not Kefu's origin.
CSP = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "font-src 'self' data:; "
    "connect-src 'self'; "
    "media-src 'self' https: http:; "
    "object-src 'none'; "
    "base-uri 'none'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), geolocation=(), microphone=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    """Content-Security-Policy with a fresh nonce per response, and Permissions-Policy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(18)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = CSP.format(nonce=request.csp_nonce)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def csp(request) -> dict:
    """Template context: ``csp_nonce`` for the page's inline scripts."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}


class PersonalDataFilter(logging.Filter):
    """R-SEC-1 in the logs: phone and ID numbers in a record's message, and in the text of
    its exception, are masked the way a person without reveal sees them."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a badly formatted record is logged as it is
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True


@register(Tags.security, deploy=True)
def check_deploy(app_configs, **kwargs) -> list[Warning]:
    """`kefu check --deploy`: what Django's own checks do not know about Kefu."""
    found = []
    if not settings.TWO_FACTOR_REQUIRED:
        found.append(
            Warning(
                "Two-factor sign-in is off for the sysadmin, director and general manager.",
                hint="Serve over HTTPS (KEFU_HTTPS=1) or set KEFU_TWO_FACTOR=1.",
                id="kefu.W001",
            )
        )
    if "kefu.core.security.SecurityHeadersMiddleware" not in settings.MIDDLEWARE:
        found.append(
            Warning("The Content-Security-Policy middleware is not installed.", id="kefu.W002")
        )
    return found
