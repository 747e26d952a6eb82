"""Planners link consultations to council papers (``council.Paper``): the paper must belong to the
consultation's city (400 naming ``paper``), the planner must work for it (403). See docs/council.md."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from council.services import paper_for_link
from geo.errors import NotFound
from participation.consultations import _check_user
from participation.models import Consultation, ConsultationPaper
from staff.scope import check_city


def _consultation(consultation_id: Any, user: Any) -> Consultation:
    found = str(consultation_id).isdigit()
    consultation = (
        Consultation.objects.select_for_update().filter(pk=consultation_id).first() if found else None
    )
    if consultation is None:
        raise NotFound(_("There is no such consultation."), "consultation")
    check_city(user, consultation.city_id, field="consultation")
    return consultation


@transaction.atomic
def consultation_paper_link(*, consultation_id: Any, paper_id: Any, user: Any = None) -> ConsultationPaper:
    """Link the paper ``paper_id`` to the consultation (both of one city); twice changes nothing."""
    _check_user(user)
    consultation = _consultation(consultation_id, user)
    paper = paper_for_link(user=user, paper_id=paper_id, city_id=consultation.city_id)
    creator = user if user is not None and user.is_authenticated else None
    link, _created = ConsultationPaper.objects.get_or_create(
        consultation=consultation, paper=paper, defaults={"created_by": creator}
    )
    return link


@transaction.atomic
def consultation_paper_unlink(*, consultation_id: Any, paper_id: Any, user: Any = None) -> None:
    _check_user(user)
    consultation = _consultation(consultation_id, user)
    try:
        paper_pk = int(paper_id)
    except (TypeError, ValueError):
        paper_pk = 0
    deleted, _rows = ConsultationPaper.objects.filter(consultation=consultation, paper_id=paper_pk).delete()
    if not deleted:
        raise NotFound(_("This council paper is not linked to the consultation."), "paper")
