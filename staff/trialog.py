"""The Trialog's verified roles (council, strategy board): whose input is marked as theirs.

``role_of`` is what every format asks when it stores a person's input (a contribution, a comment, a
survey response, a proposal): the kind is stored with the input at that moment, so a mark stays true
to when it was written."""

from typing import Any

from staff.models import TrialogRole


def role_of(user: Any, city: Any) -> str | None:
    """``TrialogRole.Kind`` value of ``user`` in ``city`` (an Area or its id), or None (no account,
    no verified role)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    city_id = getattr(city, "pk", city)
    return TrialogRole.objects.filter(user=user, city_id=city_id).values_list("kind", flat=True).first()
