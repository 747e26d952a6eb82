"""``/api/contributions/``: published contributions as GeoJSON, posting, support, flags, deleting one's
own, and the planners' and moderators' actions on a contribution."""

from collections.abc import Collection

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from geo import etag, params
from geo.geojson import GEOJSON, feature_collection_response, geojson_schema
from geo.records.api import page_args
from geo.schema import BBOX_PARAM, ID_REGEX, IF_MATCH, MAX_ID, PAGE_PARAMS, SRID_OUT_PARAM
from participation import moderation, selectors, services
from participation.api.common import BrowserCookie, ParticipationViewMixin, client_address
from participation.models import Category, Contribution, Origin, Status
from participation.permissions import CanRespond, IsModerator
from participation.serializers import (
    ContributionCreatedSerializer,
    ContributionCreateSerializer,
    DismissFlagsSerializer,
    EraseSerializer,
    FlaggedSerializer,
    FlagSerializer,
    MeasuresSerializer,
    ModerateSerializer,
    ResponseInputSerializer,
    SupportSerializer,
)
from participation.throttling import AnonymousReactionThrottle, AnonymousWriteThrottle
from participation.views import delete_link

ERRORS = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT, description="bad input; the body names the field and the reason"
    ),
    403: OpenApiResponse(OpenApiTypes.OBJECT, description="not allowed"),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="no such (published) contribution"),
    409: OpenApiResponse(OpenApiTypes.OBJECT, description="conflicts with the current state"),
    412: OpenApiResponse(OpenApiTypes.OBJECT, description="If-Match does not name the current version"),
    428: OpenApiResponse(OpenApiTypes.OBJECT, description="If-Match is missing"),
    429: OpenApiResponse(OpenApiTypes.OBJECT, description="too many requests; see Retry-After"),
}
KIND = "contribution"  # the ETag of a contribution: "contribution-<id>-<version>" (geo.etag)
ID_PARAM = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
STATE = inline_serializer(
    "ContributionState",
    {
        "id": serializers.IntegerField(),
        "status": serializers.CharField(),
        "version": serializers.IntegerField(),
    },
)

DISMISSED = inline_serializer(
    "FlagsDismissed", {"id": serializers.IntegerField(), "dismissed": serializers.IntegerField()}
)


def _errors(*codes: int) -> dict:
    return {code: ERRORS[code] for code in codes}


class ContributionViewSet(ParticipationViewMixin, viewsets.ViewSet):
    """Contributions (Beiträge) pinned on the map of a consultation."""

    lookup_value_regex = ID_REGEX

    def get_permissions(self):
        if self.action in {"respond", "link_measures"}:
            return [CanRespond()]
        if self.action in {"moderate", "dismiss_flags"}:
            return [IsModerator()]
        return [AllowAny()]

    def get_throttles(self):
        if self.action == "create":
            return [AnonymousWriteThrottle()]
        if self.action in {"support", "flag", "erase"}:
            return [AnonymousReactionThrottle()]
        return []

    @extend_schema(
        summary="Published contributions as a GeoJSON FeatureCollection (no personal data)",
        description=("`measures` and the response's `measure` name only published measures (planners: all)."),
        parameters=[
            OpenApiParameter("consultation", OpenApiTypes.INT),
            OpenApiParameter("category", OpenApiTypes.STR, enum=Category.values),
            OpenApiParameter("origin", OpenApiTypes.STR, enum=Origin.values),
            OpenApiParameter("area", OpenApiTypes.INT, description="id of an area (any level) it lies in"),
            BBOX_PARAM,
            SRID_OUT_PARAM,
            *PAGE_PARAMS,
        ],
        responses={200: geojson_schema("ContributionFeatureCollection", collection=True), **_errors(400)},
    )
    def list(self, request):
        q = request.query_params
        srid = params.srid(q)
        paging = page_args(q)
        page = selectors.contribution_feature_page(
            user=request.user,
            consultation_id=params.integer(q, "consultation", lo=1, hi=MAX_ID),
            category=params.choice(q, "category", Category.values),
            origin=params.choice(q, "origin", Origin.values),
            area_id=params.integer(q, "area", lo=1, hi=MAX_ID),
            bbox=params.bbox(q, srid=srid),
            bbox_srid=srid,
            out_srid=srid,
            **paging,
        )
        return feature_collection_response(request, page, srid=srid, **paging)

    @extend_schema(
        summary="One published contribution as a GeoJSON Feature (ETag header for planners' and "
        "moderators' writes)",
        parameters=[ID_PARAM, SRID_OUT_PARAM],
        responses={200: geojson_schema("ContributionFeature", collection=False), **_errors(400, 404)},
    )
    def retrieve(self, request, pk=None):
        srid = params.srid(request.query_params)
        page = selectors.contribution_feature_page(
            user=request.user, contribution_id=int(pk), out_srid=srid, limit=1
        )
        if not page.features_json:
            raise Http404
        response = HttpResponse(page.features_json, content_type=GEOJSON)
        version = Contribution.objects.filter(pk=int(pk)).values_list("version", flat=True).first()
        if version is not None:  # None: erased in between
            response["ETag"] = etag.etag(KIND, int(pk), version)
        return response

    def _if_match(self, request, pk: str) -> Collection[int] | None:
        """The versions of the contribution that If-Match names (geo.etag): 428 without the header,
        412 when it names none. A contribution that does not exist is a 404 first, as for every
        record (RFC 9110 §13.2.1: preconditions count only where the answer would be a success)."""
        if not Contribution.objects.filter(pk=int(pk)).exists():
            raise Http404
        return etag.if_match_versions(request, KIND, int(pk))

    def _answer(self, pk: str, body: dict) -> Response:
        """The answer to a write of the contribution, with its new ETag."""
        version = Contribution.objects.filter(pk=int(pk)).values_list("version", flat=True).get()
        return Response(body, headers={"ETag": etag.etag(KIND, int(pk), version)})

    @extend_schema(
        summary="Pin a contribution (anonymous when the consultation allows it)",
        description=(
            "The point is given as lon/lat (WGS84). It must lie in the consultation's area, during its "
            "time window; otherwise 400 and nothing is stored. Anonymous clients are throttled "
            "(default 5 per 10 minutes) → 429 with Retry-After. The answer holds the secret deletion "
            "link, shown only this once."
        ),
        request=ContributionCreateSerializer,
        responses={201: ContributionCreatedSerializer, **_errors(400, 403, 429)},
    )
    def create(self, request):
        data = ContributionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        created = services.contribution_create(
            consultation_id=v["consultation"],
            lon=v["lon"],
            lat=v["lat"],
            text=v["text"],
            category=v["category"],
            origin=v.get("origin"),
            pseudonym=v.get("pseudonym", ""),
            email=v.get("email", ""),
            user=request.user,
            honeypot=v.get("website", ""),
        )
        contribution = created.contribution
        message = (
            _("Received – your contribution awaits moderation.")
            if contribution.status == Status.PENDING
            else _("Received – your contribution is published.")
        )
        delete_url = delete_link(request, contribution.pk, created.delete_token)
        body = {
            "id": contribution.pk,
            "status": contribution.status,
            "message": message,
            "delete_url": delete_url,
        }
        return Response(body, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})

    @extend_schema(
        methods=["POST"],
        summary="Support a published contribution (once per account or browser)",
        request=None,
        responses={201: SupportSerializer, **_errors(400, 404, 409, 429)},
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Withdraw one's support",
        request=None,
        responses={200: SupportSerializer, **_errors(400, 404)},
    )
    @action(detail=True, methods=["post", "delete"])
    def support(self, request, pk=None):
        cookie = BrowserCookie(request)
        who = {"user": request.user, "browser": cookie.value}
        if request.method == "POST":
            count = services.support_add(contribution_id=int(pk), **who)
            response = Response({"supports": count, "supported": True}, status=status.HTTP_201_CREATED)
        else:
            count = services.support_withdraw(contribution_id=int(pk), **who)
            response = Response({"supports": count, "supported": False})
        return cookie.apply(response)

    @extend_schema(
        summary="Report a published contribution (once per account, or per browser and connection)",
        description=(
            "Without an account a report counts once per browser and once per connection (the keyed, "
            "rotating hash of the client's address; the address is not stored): a second one → 409. "
            "At most PARTICIPATION_FLAGS_PER_DAY reports per account or connection in 24 hours → 429 "
            "with Retry-After. When the open reports reach PARTICIPATION_FLAG_THRESHOLD the "
            "contribution is hidden pending review (listed first in the moderation queue)."
        ),
        request=FlagSerializer,
        responses={201: FlaggedSerializer, **_errors(400, 404, 409, 429)},
    )
    @action(detail=True, methods=["post"])
    def flag(self, request, pk=None):
        data = FlagSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cookie = BrowserCookie(request)
        services.flag_add(
            contribution_id=int(pk),
            reason=data.validated_data["reason"],
            note=data.validated_data.get("note", ""),
            user=request.user,
            browser=cookie.value,
            client_address=client_address(request),
        )
        body = {"message": _("Thank you; a moderator will look at it.")}
        return cookie.apply(Response(body, status=status.HTTP_201_CREATED))

    @extend_schema(
        summary="Delete one's own contribution with the secret token from its deletion link",
        request=EraseSerializer,
        responses={204: None, **_errors(400, 404, 429)},
    )
    @action(detail=True, methods=["post"])
    def erase(self, request, pk=None):
        data = EraseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.contribution_delete_own(contribution_id=int(pk), token=data.validated_data["token"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Publish, reject (with a reason) or hide a contribution (moderators, If-Match)",
        description=(
            'If-Match names the version you saw (`"contribution-<id>-<version>"`, as the moderation '
            "queue lists it or the last answer's ETag): 428 without it, 412 when it is no longer current."
        ),
        parameters=[ID_PARAM, IF_MATCH],
        request=ModerateSerializer,
        responses={200: STATE, **_errors(400, 403, 404, 409, 412, 428)},
    )
    @action(detail=True, methods=["post"])
    def moderate(self, request, pk=None):
        versions = self._if_match(request, pk)
        data = ModerateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contribution = moderation.contribution_moderate(
            contribution_id=int(pk),
            action=data.validated_data["action"],
            reason=data.validated_data.get("reason", ""),
            actor=request.user,
            expected_versions=versions,
        )
        body = {"id": contribution.pk, "status": contribution.status, "version": contribution.version}
        return Response(body, headers={"ETag": etag.etag(KIND, contribution.pk, contribution.version)})

    @extend_schema(
        summary="Dismiss the open flags of a published contribution (moderators)",
        description=(
            "The reports were unfounded: they stop counting towards hiding it; the contribution stays "
            "published. A hidden one is restored with the action publish instead. Audited in the "
            "moderation log. If-Match as for moderate."
        ),
        parameters=[ID_PARAM, IF_MATCH],
        request=DismissFlagsSerializer,
        responses={200: DISMISSED, **_errors(400, 403, 404, 409, 412, 428)},
    )
    @action(detail=True, methods=["post"], url_path="dismiss-flags")
    def dismiss_flags(self, request, pk=None):
        versions = self._if_match(request, pk)
        data = DismissFlagsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dismissed = moderation.flags_dismiss(
            contribution_id=int(pk),
            actor=request.user,
            note=data.validated_data.get("note", ""),
            expected_versions=versions,
        )
        return self._answer(pk, {"id": int(pk), "dismissed": dismissed})

    @extend_schema(
        summary="Set the official response (Stellungnahme) to a contribution (planners, moderators)",
        description="If-Match as for moderate: the response is part of the contribution.",
        parameters=[ID_PARAM, IF_MATCH],
        request=ResponseInputSerializer,
        responses={200: ResponseInputSerializer, **_errors(400, 403, 404, 412, 428)},
    )
    @action(detail=True, methods=["put"], url_path="response")
    def respond(self, request, pk=None):
        versions = self._if_match(request, pk)
        data = ResponseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        answer = moderation.response_set(
            contribution_id=int(pk),
            text=v["text"],
            unit=v["unit"],
            outcome=v["outcome"],
            date=v.get("date"),
            measure_id=v.get("measure"),
            actor=request.user,
            expected_versions=versions,
        )
        body = {
            "text": answer.text,
            "unit": answer.unit,
            "outcome": answer.outcome,
            "date": answer.date,
            "measure": answer.measure_id,
        }
        return self._answer(pk, body)

    @extend_schema(
        summary="Link a contribution to measures (planners, moderators, If-Match); replaces the links",
        description="If-Match as for moderate.",
        parameters=[ID_PARAM, IF_MATCH],
        request=MeasuresSerializer,
        responses={200: MeasuresSerializer, **_errors(400, 403, 404, 412, 428)},
    )
    @action(detail=True, methods=["put"], url_path="measures")
    def link_measures(self, request, pk=None):
        versions = self._if_match(request, pk)
        data = MeasuresSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        linked = moderation.contribution_link_measures(
            contribution_id=int(pk),
            measure_ids=data.validated_data["measures"],
            actor=request.user,
            expected_versions=versions,
        )
        return self._answer(pk, {"measures": linked})
