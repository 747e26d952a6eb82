"""``/beteiligung/feed.atom``: an Atom feed (RFC 4287) of new consultations, newest first, with the
filters of the list (``?quartier=<id>``, ``?thema=``, …). Only public fields; Django's Atom1Feed marks
the summary ``type="html"``, so the description is HTML-escaped into it and shown as the text it is."""

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from geo.pages import BadParameter
from participation.models import Consultation
from participation.portal import selectors

FEED_ITEMS = 50


class ConsultationFeed(Feed):
    feed_type = Atom1Feed
    author_name = "Quartiersatlas"

    def __call__(self, request, *args, **kwargs):
        try:
            filters = selectors.parse_filters(request.GET)
        except BadParameter as error:
            return HttpResponse(
                f"{error.name}: {error.reason}", status=400, content_type="text/plain; charset=utf-8"
            )
        request.portal_filters = filters
        response = super().__call__(request, *args, **kwargs)
        response["Content-Type"] = "application/atom+xml; charset=utf-8"
        return response

    def get_object(self, request, *args, **kwargs):
        # a Feed instance serves every request: the request's filters travel in the object
        return (request.portal_filters, request.build_absolute_uri("/").rstrip("/"), request.GET.urlencode())

    def items(self, obj) -> list[Consultation]:
        filters, _base, _query = obj
        return list(selectors.consultations(filters).order_by("-created_at", "-id")[:FEED_ITEMS])

    def title(self, obj) -> str:
        return _("New consultations")

    def subtitle(self, obj) -> str:
        return _("Consultations of the city and region: every new one, with its time window.")

    def link(self, obj) -> str:
        return reverse("portal:list") + (f"?{obj[2]}" if obj[2] else "")

    def feed_url(self, obj) -> str:
        return reverse("portal:feed") + (f"?{obj[2]}" if obj[2] else "")

    def item_title(self, item: Consultation) -> str:
        return item.title

    def item_description(self, item: Consultation) -> str:
        window = _("Open from %(opens)s to %(closes)s.") % {
            "opens": item.opens_at.strftime("%d.%m.%Y"),
            "closes": item.closes_at.strftime("%d.%m.%Y"),
        }
        return escape(f"{window}\n\n{item.description}".strip())

    def item_link(self, item: Consultation) -> str:
        return reverse("portal:consultation", args=[item.slug])

    def item_pubdate(self, item: Consultation):
        return item.created_at

    def item_updateddate(self, item: Consultation):
        return item.created_at

    def item_categories(self, item: Consultation) -> list[str]:
        return list(item.themes)
