"""The public records linked to a council paper, for its page (``council.links``): published measures,
master plans (on the strategy page) and consultations. Planning reads across measures and
participation, so it registers the provider (in ``PlanningConfig.ready``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from council.links import LinkedRecord
from measures.models import MasterPlan, Measure
from participation.models import Consultation


def linked_to_paper(paper_id: int) -> list[LinkedRecord]:
    records = [
        LinkedRecord(_("Measure"), m.title, reverse("transparency:measure", args=[m.pk]))
        for m in Measure.objects.filter(paper_links__paper_id=paper_id, published=True).order_by(
            "title", "id"
        )
    ]
    strategy = reverse("transparency:strategy")
    records += [
        LinkedRecord(_("Master plan"), str(plan), strategy)
        for plan in MasterPlan.objects.filter(paper_links__paper_id=paper_id).order_by("title", "id")
    ]
    records += [
        LinkedRecord(_("Consultation"), c.title, reverse("portal:consultation", args=[c.slug]))
        for c in Consultation.objects.filter(paper_links__paper_id=paper_id).order_by("title", "id")
    ]
    return records
