"""Fixtures of the discussion's tests: the demo (loaded once per module), one published contribution and
measure of it, staff in their groups, and a helper to write comments through the service."""

from typing import Any

import pytest
from django.contrib.auth.models import User

from discussion import services
from discussion.models import Comment, CommentEvent, CommentFlag
from measures.models import Measure
from participation.demo import SLUG as DEMO_PINS  # the demo's open consultation (it adds closed ones)
from participation.models import Consultation, Contribution, Status
from quartiere.models import Area, Level
from staff.models import Membership
from tests.participation.conftest import citizen, moderator, planner, user_in  # noqa: F401 - fixtures


@pytest.fixture
def city(demo) -> Area:
    return demo["08118048"]


@pytest.fixture
def contribution(demo) -> Contribution:
    """A published contribution of the demo's open, pre-moderated pins consultation without demo comments."""
    return Contribution.objects.filter(
        consultation__slug=DEMO_PINS, status=Status.PUBLISHED, comments__isnull=True
    ).order_by("id")[0]


@pytest.fixture
def measure(demo) -> Measure:
    return Measure.objects.filter(published=True, comments__isnull=True).order_by("id")[0]


@pytest.fixture
def consultation(contribution) -> Consultation:
    return contribution.consultation


@pytest.fixture
def other_city(city) -> Area:
    return Area.objects.create(
        level=Level.CITY,
        parent=city.parent,
        code="08118999",
        name="Andere Stadt",
        slug="andere",
        geom=city.geom,
    )


@pytest.fixture
def foreign_planner(other_city) -> User:
    user = user_in("foreign", "planners")
    Membership.objects.create(user=user, city=other_city)
    return user


def write(target: Any, /, *, publish: bool = False, **fields: Any) -> Comment:
    """A comment through the service (anonymous unless ``user``), optionally published."""
    kind = type(target).__name__.lower()
    values = {"text": "Ein Kommentar", **fields}
    comment = services.comment_create(target=kind, target_id=target.pk, **values).comment
    if publish:
        Comment.objects.filter(pk=comment.pk).update(status=Status.PUBLISHED)
        comment.refresh_from_db()
    return comment


def counts() -> dict[str, int]:
    """Rows of the discussion's tables (a refused write stores nothing)."""
    return {m.__name__: m.objects.count() for m in (Comment, CommentFlag, CommentEvent)}
