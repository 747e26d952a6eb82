"""The API of versioned, audited, city-scoped records: one base for measures, focus areas, budget
lines and what comes next. A subclass declares the record; the base parses, checks ``If-Match``
(``geo.etag``), calls the app's services and selectors and shapes the answers.

The declaration (class attributes of a subclass):

``record``
    the app's ``geo.records.services.VersionedRecord``: its ``kind`` names it in the ETag
    (``"measure-12-3"``), its ``name`` is the keyword by which the app's services and selectors take
    it: ``measure_id=`` for ``read_record``, ``update_record`` and ``delete_record``, ``measure=`` for
    ``trail`` (house style: ``<entity>_<verb>``, keyword-only).
``serializer_class``
    parses writes (``validated_data`` goes to the services as keyword arguments) and shapes details.
``visible(user)``
    the queryset of the records ``user`` may see (others are 404 for reading and writing).
``read_record(user=, <name>_id=, [out_srid=])``
    one record for an answer, or None (default: from ``visible``).
``create_record(user=, **data)``, ``update_record(<name>_id=, expected_versions=, user=, **data)``,
``delete_record(<name>_id=, expected_versions=, user=)``
    the app's services; they check the version under a row lock (``geo.records.services``).

The functions are declared as plain class attributes (``visible = selectors.measures_visible``) and
called through the class, so they take no ``self``.

``RecordViewSet`` adds what records with a geometry have: ``?srid=`` for the GeoJSON in and out, a
GeoJSON FeatureCollection as the list (``feature_page``) and the audit trail
(``trail(<name>=, user=, out_srid=)``, ``geo.records.history``) at ``…/{id}/history/``."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from geo import etag, params
from geo.api import LenientJSONParser
from geo.geojson import feature_collection_response
from geo.permissions import IsPlannerOrReadOnly
from geo.records.services import VersionedRecord
from geo.schema import ERROR, ID_REGEX, IF_MATCH, SRID_PARAM, WRITE_ERRORS


def page_args(query) -> dict:
    """``limit`` (default ``API_PAGE_SIZE``, at most ``API_MAX_PAGE_SIZE``) and ``offset`` of a list;
    a 400 naming the parameter when out of range."""
    return {
        "limit": params.integer(
            query, "limit", default=settings.API_PAGE_SIZE, lo=1, hi=settings.API_MAX_PAGE_SIZE
        ),
        "offset": params.integer(query, "offset", default=0, lo=0, hi=10_000_000),
    }


def published_arg(query) -> bool | None:
    """``?published=true|false`` (only planners see unpublished records); None without it."""
    published = params.choice(query, "published", ["true", "false"])
    return None if published is None else published == "true"


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryRecordSerializer(serializers.Serializer):
    """One audited write: who (planners only), when, what changed."""

    history_id = serializers.IntegerField()
    date = serializers.DateTimeField()
    type = serializers.ChoiceField(["created", "changed", "deleted", "published", "withdrawn"])
    user = serializers.CharField(allow_null=True)
    version = serializers.IntegerField()
    changes = ChangeSerializer(many=True)


if TYPE_CHECKING:  # the views it is mixed into
    from rest_framework.views import APIView as _View
else:
    _View = object


class VersionedViewSetMixin(_View):
    """Read one record with its ETag; create it; change and delete it with ``If-Match`` (428 without,
    412 when stale). See the module's docstring for the declaration."""

    permission_classes = [IsPlannerOrReadOnly]
    parser_classes = [LenientJSONParser]
    lookup_value_regex = ID_REGEX

    record: ClassVar[VersionedRecord]
    serializer_class: type[serializers.BaseSerializer]
    visible: ClassVar[Callable[[Any], Any]]
    read_record: ClassVar[Callable[..., Any] | None] = None
    create_record: ClassVar[Callable[..., Any]]
    update_record: ClassVar[Callable[..., Any]]
    delete_record: ClassVar[Callable[..., Any]]

    @property
    def _id(self) -> str:
        return f"{self.record.name}_id"

    def read_args(self) -> dict:
        """Further keyword arguments of ``read_record`` (RecordViewSet: the output CRS)."""
        return {}

    def context(self) -> dict:
        return {"request": self.request}

    def _visible(self, pk: str) -> Any:
        obj = type(self).visible(self.request.user).filter(pk=int(pk)).first()
        if obj is None:
            raise Http404
        return obj

    def answer(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        """The record as ``user`` may see it, with its ETag."""
        read = type(self).read_record
        if read is None:
            obj = type(self).visible(self.request.user).filter(pk=pk).first()
        else:
            obj = read(user=self.request.user, **{self._id: pk}, **self.read_args())
        if obj is None:
            raise Http404
        data = self.serializer_class(obj, context=self.context()).data
        return Response(data, status=code, headers={"ETag": etag.etag(self.record.kind, obj.pk, obj.version)})

    def retrieve(self, request: Request, pk: str) -> Response:
        return self.answer(int(pk))

    def create(self, request: Request) -> Response:
        serializer = self.serializer_class(data=request.data, context=self.context())
        serializer.is_valid(raise_exception=True)
        obj = type(self).create_record(user=request.user, **serializer.validated_data)
        return self.answer(obj.pk, status.HTTP_201_CREATED)

    def _write(self, request: Request, pk: str, *, partial: bool) -> Response:
        obj = self._visible(pk)
        versions = etag.if_match_versions(request, self.record.kind, obj.pk)
        etag.check_version(obj.version, versions)  # early answer; the service re-checks under lock
        serializer = self.serializer_class(obj, data=request.data, partial=partial, context=self.context())
        serializer.is_valid(raise_exception=True)
        try:
            type(self).update_record(
                **{self._id: obj.pk},
                expected_versions=versions,
                user=request.user,
                **serializer.validated_data,
            )
        except ObjectDoesNotExist:
            raise Http404 from None  # deleted meanwhile
        return self.answer(obj.pk)

    def update(self, request: Request, pk: str) -> Response:
        return self._write(request, pk, partial=False)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self._write(request, pk, partial=True)

    def destroy(self, request: Request, pk: str) -> Response:
        obj = self._visible(pk)
        versions = etag.if_match_versions(request, self.record.kind, obj.pk)
        try:
            type(self).delete_record(**{self._id: obj.pk}, expected_versions=versions, user=request.user)
        except ObjectDoesNotExist:
            raise Http404 from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class RecordViewSet(VersionedViewSetMixin, viewsets.ViewSet):
    """A versioned record with a geometry: GeoJSON in and out in ``?srid=`` (default 4326), the list
    as a GeoJSON FeatureCollection from PostGIS, the audit trail at ``…/{id}/history/``.
    Declares in addition ``feature_page(request, *, srid, limit, offset)`` and ``trail``."""

    trail: ClassVar[Callable[..., list[dict]]]

    def feature_page(self, request: Request, *, srid: int, limit: int, offset: int) -> Any:
        """One page of the visible records as GeoJSON features built by PostGIS (a FeaturePage of
        geo.geojson), filtered by the request's parameters."""
        raise NotImplementedError

    def srid(self) -> int:
        return params.srid(self.request.query_params)

    def read_args(self) -> dict:
        return {"out_srid": self.srid()}

    def context(self) -> dict:
        return {"request": self.request, "srid": self.srid()}

    def list(self, request: Request) -> HttpResponse:
        srid = self.srid()
        paging = page_args(request.query_params)
        page = self.feature_page(request, srid=srid, **paging)
        return feature_collection_response(request, page, srid=srid, **paging)

    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str) -> Response:
        srid = self.srid()
        obj = self._visible(pk)
        records = type(self).trail(**{self.record.name: obj}, user=request.user, out_srid=srid)
        return Response(HistoryRecordSerializer(records, many=True).data)


def record_schema(
    serializer: Any,
    noun: str,
    *,
    article: str = "a",
    srid: bool = True,
    list: Any = None,
    history: str | None = None,
    **summaries: str,
) -> Callable:
    """The OpenAPI description of a record's viewset (``extend_schema_view``): every record's
    endpoints say the same things in the same words. ``noun``: "measure" (``article``: "a");
    ``list``: the list's
    ``extend_schema``; ``history``: the trail's description; ``summaries``: a summary by action
    where the default does not fit (e.g. ``destroy="Delete a measure with its budget lines …"``)."""
    parameters = [SRID_PARAM] if srid else []
    one = f"{article} {noun}"
    views = {
        "retrieve": extend_schema(
            summary=summaries.get("retrieve", f"One {noun} (ETag header for writes)"),
            parameters=parameters,
            responses={200: serializer, 400: ERROR, 404: ERROR},
        ),
        "create": extend_schema(
            summary=summaries.get("create", f"Create {one} (planners)"),
            parameters=parameters,
            request=serializer,
            responses={201: serializer, 400: ERROR, 401: ERROR, 403: ERROR},
        ),
        "update": extend_schema(
            summary=summaries.get("update", f"Replace {one} (planners, If-Match)"),
            parameters=[*parameters, IF_MATCH],
            request=serializer,
            responses={200: serializer, **WRITE_ERRORS},
        ),
        "partial_update": extend_schema(
            summary=summaries.get("partial_update", f"Change fields of {one} (planners, If-Match)"),
            parameters=[*parameters, IF_MATCH],
            request=serializer,
            responses={200: serializer, **WRITE_ERRORS},
        ),
        "destroy": extend_schema(
            summary=summaries.get("destroy", f"Delete {one} (planners, If-Match)"),
            parameters=[IF_MATCH],
            responses={204: None, **WRITE_ERRORS},
        ),
    }
    if list is not None:
        views["list"] = list
    if history is not None:
        views["history"] = extend_schema(
            summary=f"The audit trail of {one}: who (planners only), when, what changed",
            description=history,
            parameters=parameters,
            responses={200: HistoryRecordSerializer(many=True), 400: ERROR, 404: ERROR},
        )
    return extend_schema_view(**views)
