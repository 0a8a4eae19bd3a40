"""二要素認証: a second factor (a TOTP code from an authenticator app) after the password.

Who needs one: the roles in `settings.SAIKEN_OTP_ROLES` (default manager and admin: the
staff who decide relief, write-offs and refunds, and those who configure the system), and
every user who may enter the Django admin (is_staff) whenever "admin" is among them.
`saiken.web.second_factor.SecondFactorMiddleware` sends such a user, once the password is
accepted, to enrolment (no confirmed device yet) or to the code (one confirmed device),
before any other page.

The actions here do the state changes and their audit rows: starting an enrolment (a new
unconfirmed TOTP device, its secret shown on that page only), confirming it with a code,
and checking a code at login. A wrong code is recorded as "otp.failed" and counts in the
login lockout (`saiken.audit.lockout`); while the username is locked no code is checked.
"""

from __future__ import annotations

from base64 import b32encode

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from saiken.audit import lockout, record
from saiken.staff import access
from saiken.staff.models import Role


class Locked(Exception):
    """The username is locked after repeated failures (`saiken.audit.lockout`): no code is checked."""

    def __init__(self):
        super().__init__(lockout.locked_message())
        self.message = lockout.locked_message()


class Throttled(Exception):
    """django-otp's own back-off after a wrong code (1, 2, 4... seconds): try again shortly."""

    message = "確認コードの誤りが続いたため、少し時間をおいてから入力してください。"


def required(user) -> bool:
    """Whether `user` must give a second factor after the password."""
    roles = tuple(getattr(settings, "SAIKEN_OTP_ROLES", ()))
    if not roles or not getattr(user, "is_authenticated", False):
        return False
    return access.role(user) in roles or (bool(getattr(user, "is_staff", False)) and Role.ADMIN in roles)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it when typed in: base32, in groups of four."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@transaction.atomic
def start_enrolment(user) -> TOTPDevice:
    """A new secret for a user without a confirmed device; any earlier unconfirmed one is
    discarded, so a secret is shown on one page only."""
    if confirmed_device(user) is not None:
        raise ValueError("already enrolled")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="認証アプリ", confirmed=False)


def _check(user, device: TOTPDevice | None, token: str, address: str, stage: str) -> bool:
    username = user.get_username()
    if lockout.locked(username, address):
        raise Locked()
    if device is not None and not device.verify_is_allowed()[0]:
        raise Throttled()
    token = (token or "").strip().replace(" ", "")
    if device is not None and token.isdigit() and device.verify_token(token):
        return True
    record(user=user, action="otp.failed", summary=f"確認コードの誤り: {username}",
           detail={"username": username, "remote_addr": address, "stage": stage})
    return False


def confirm_enrolment(user, token: str, *, address: str = "") -> TOTPDevice | None:
    """Confirm the pending device with a code from the app; the device, or None (a wrong
    code, recorded). Raises Locked while the username is locked."""
    with transaction.atomic():
        if confirmed_device(user) is not None:
            return None
        device = pending_device(user)
        ok = _check(user, device, token, address, "enrolment")
        if not ok:
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # The enrolment's code is this session's second factor too (no "otp.verified" row).
        record(user=user, action="otp.enrolled", summary=f"二要素認証の設定: {user.get_username()}",
               detail={"username": user.get_username(), "remote_addr": address, "device": device.pk})
        return device


def verify(user, token: str, *, address: str = "") -> TOTPDevice | None:
    """Check a code at login against the user's confirmed device; the device, or None (a
    wrong code, recorded). Raises Locked while the username is locked."""
    device = confirmed_device(user)
    with transaction.atomic():
        if not _check(user, device, token, address, "login"):
            return None
        record(user=user, action="otp.verified", summary=f"確認コードによる認証: {user.get_username()}",
               detail={"username": user.get_username(), "remote_addr": address, "device": device.pk})
        return device


@transaction.atomic
def reset(device: TOTPDevice, *, by) -> None:
    """Delete a user's device (a lost or replaced phone): at the next login they enrol again."""
    owner = device.user
    record(user=by, action="otp.reset", summary=f"二要素認証の設定の削除: {owner.get_username()}",
           detail={"username": owner.get_username(), "device": device.pk, "confirmed": device.confirmed})
    device.delete()
