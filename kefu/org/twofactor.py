"""TOTP two-factor sign-in for the sysadmin, the director and the general manager.

These roles can change everyone's access or see every department, so a stolen password
alone must not open their session. With ``TWO_FACTOR_REQUIRED`` (KEFU_TWO_FACTOR; on
whenever the site is served over HTTPS) a member of staff with one of
``TWO_FACTOR_ROLES`` who signed in with a password is held on the two-factor page until
they type the current code of their authenticator app (django-otp's TOTP device, RFC
6238: 6 digits, 30 s). The first time, the page enrols the app: it shows the secret, its
otpauth:// address and a QR code, and the device counts only once a code from it is typed.

API bearer tokens are not held: a token is issued either from the "My API tokens" page,
which needs the verified session, or by ``kefu token create`` on the server itself, and
it is stored hashed, expires and can be revoked (docs/reliability.md). A web session
that is not verified gets 401 from the API, like no session at all.
"""

from __future__ import annotations

import base64
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kefu.audit.models import Action
from kefu.audit.services import audit_record
from kefu.errors import NotAuthenticated, problem_response


def required_for(user) -> bool:
    """True when ``user`` must confirm each sign-in with a TOTP code."""
    if not settings.TWO_FACTOR_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or bool(user.role_codes & set(settings.TWO_FACTOR_ROLES))


def _open_paths() -> tuple[str, ...]:
    return (
        reverse("two_factor"),
        reverse("logout"),
        "/i18n/",
        settings.STATIC_URL,
        "/api/v1/health",
    )


class TwoFactorMiddleware:
    """Holds an unverified session of a two-factor role on the two-factor page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and required_for(user)
            and not user.is_verified()
            and not request.path.startswith(_open_paths())
            # A bearer token authenticates the API request on its own (see the module doc).
            and not request.headers.get("Authorization", "").lower().startswith("bearer ")
        ):
            if request.path.startswith("/api/"):
                return problem_response(
                    NotAuthenticated(
                        message=_(
                            "Confirm the sign-in with the code of your authenticator app first."
                        )
                    )
                )
            target = f"{reverse('two_factor')}?next={quote(request.get_full_path())}"
            if getattr(request, "htmx", False):
                return HttpResponse(status=204, headers={"HX-Redirect": target})
            return redirect(target)
        return self.get_response(request)


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


def _qr_svg(uri: str) -> str:
    try:
        import segno
    except ImportError:  # pragma: no cover - segno is a dependency; the secret still shows
        return ""
    return segno.make(uri, error="m").svg_inline(scale=4, title=_("Scan with your app"))


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Enrol an authenticator app, or confirm this sign-in with its current code."""
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Kefu", confirmed=False)
    error = ""
    if request.method == "POST":
        code = "".join(request.POST.get("code", "").split())
        allowed, why = device.verify_is_allowed()
        if not allowed:
            error = _("Too many wrong codes. Wait a minute, then type the newest code.")
        elif not (code.isdigit() and len(code) == device.digits):
            error = _("Type the 6 digits your authenticator app shows now.")
        elif device.verify_token(code):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_record(
                actor=user,
                action=Action.LOGIN,
                target=user,
                summary=_("authenticator app enrolled and sign-in confirmed")
                if enrolling
                else _("sign-in confirmed with the authenticator app"),
                ip=request.META.get("REMOTE_ADDR"),
            )
            if enrolling:
                messages.success(request, _("Your authenticator app is set up."))
            return redirect(next_url)
        else:
            error = _("The code is not right. Type the newest code your app shows.")
    context = {
        "title": _("Two-factor sign-in"),
        "enrolling": enrolling,
        "error": error,
        "next": next_url,
    }
    if enrolling:
        uri = device.config_url
        context |= {
            "secret": base64.b32encode(device.bin_key).decode(),
            "otpauth_uri": uri,
            "qr_svg": _qr_svg(uri),
        }
    return render(request, "registration/two_factor.html", context, status=400 if error else 200)
