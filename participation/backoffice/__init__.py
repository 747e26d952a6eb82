"""The moderation pages live in this package, the planners' pages in ``planning.backoffice``. The back
office's shared context, ``office_context``, lives in ``staff.backoffice`` (low enough for every app's
pages); it is imported here too, as the other back-office pages know it."""

from staff.backoffice import office_context

__all__ = ["office_context"]
