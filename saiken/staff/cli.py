"""What the management commands share about who runs them."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def staff_user(username: str):
    """The login a command runs as (`--user USERNAME`): every run is made as a named staff
    member and checked by `saiken.staff.policy` as a screen is; there is no anonymous run."""
    try:
        return get_user_model().objects.get_by_natural_key(username)
    except get_user_model().DoesNotExist as e:
        raise CommandError(f"ユーザー {username} が見つかりません。") from e
