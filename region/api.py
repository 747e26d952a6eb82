from django.http import HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def summary(request):
    """``/api/region/summary/`` (skeleton)."""
    return HttpResponse(status=501)
