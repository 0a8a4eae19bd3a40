"""The staff login a payments command runs as (`--user`): the access policy checks it as it
checks a screen, and what the command writes is recorded under that name. There is no
anonymous run: a scheduled job names a login made for it (an administrator's for a
city-wide file, a department's clerk for that department's)."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

HELP = "実行する職員のユーザー名（必須。権限と所管の範囲はその職員のもの。監査ログに記録）"


def staff_user(username: str):
    try:
        return get_user_model().objects.get_by_natural_key(username)
    except get_user_model().DoesNotExist as e:
        raise CommandError(f"ユーザー {username} が見つかりません。") from e
