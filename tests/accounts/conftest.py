"""Fixtures for the account tests: the demo's areas and an open consultation (participation's
fixtures), verified citizen accounts as allauth makes them."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core.cache import caches

from tests.participation.conftest import areas, city, consultation, make_consultation  # noqa: F401

PASSWORD = "pw-for-tests-only"


def account(name: str, *, verified: bool = True) -> User:
    """A citizen account with a (verified) primary address ``<name>@example.org``."""
    user = User.objects.create_user(name, f"{name}@example.org", PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    return user


@pytest.fixture(autouse=True)
def _fresh_counters():
    # throttles, allauth's rate limits and axes' counters live in the shared cache: start with none
    caches["participation"].clear()
    caches["default"].clear()
