from django.http import HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def region(request):
    """``/region/``: the region's municipalities on a map and in a table (skeleton)."""
    return HttpResponse(status=501)
