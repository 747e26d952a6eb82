"""Signing in with an account: what django-axes counts a failed attempt under."""

from typing import Any


def login_name(request: Any, credentials: dict | None = None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the name an attempt signs in with. The staff forms send
    ``username``; allauth authenticates with ``email`` (its form field is ``login``). Addresses are
    compared case-insensitively, so ``A@x.de`` and ``a@x.de`` share one counter."""
    credentials = credentials or {}
    data = getattr(request, "POST", None) or {}
    if name := credentials.get("username") or data.get("username"):
        return str(name)
    if email := credentials.get("email") or data.get("login"):
        return str(email).strip().lower()
    return None


def user_display(user: Any) -> str:
    """``ACCOUNT_USER_DISPLAY``: citizens know their account by its address."""
    return str(user.email or user.get_username())
