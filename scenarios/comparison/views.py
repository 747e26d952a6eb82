"""The comparison pages (placeholder until the comparison is built)."""

from django.http import Http404


def compare(request, pk: int):
    raise Http404
