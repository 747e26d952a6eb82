"""Anonymous comments are throttled per client like contributions (participation.throttling: keyed
client hash, the shared cache), at their own rate ``DISCUSSION_ANON_WRITE_RATE``; reports share
participation's reaction rate."""

import math

from django.utils.translation import gettext as _

from geo.errors import TooManyRequests
from participation.throttling import AnonymousReactionThrottle, AnonymousWriteThrottle


class CommentThrottle(AnonymousWriteThrottle):
    setting = "DISCUSSION_ANON_WRITE_RATE"
    scope = "comment"


class CommentFlagThrottle(AnonymousReactionThrottle):
    scope = "comment-flag"


def check(throttle: AnonymousWriteThrottle, request) -> None:
    """For the plain form views (the API uses the classes as DRF throttles): 429 when over the rate."""
    if not throttle.allow_request(request, None):  # type: ignore[arg-type]  # no view: the rate is per client
        wait = throttle.wait() or 1
        raise TooManyRequests(
            _("Too many requests from your connection; please try again in %(s)d seconds.")
            % {"s": math.ceil(wait)},
            retry_after=math.ceil(wait),
        )
