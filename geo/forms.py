"""Back-office forms: a service's ``ValidationError`` shown beside the fields it names, each field at
fault marked for assistive technology (``aria-invalid``, ``aria-describedby`` naming its message).
The pages' templates show ``form.errors`` in an error summary that static/js/office-form.js focuses."""

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(
    form: forms.Form, error: ValidationError, *, fields: dict[str, str] | None = None
) -> None:
    """Put ``error`` (a service's, ``{field: [reason]}`` or a plain message) on ``form``: each reason on
    the form field of that name (``fields`` maps a service's field name to another form field), the
    rest as the form's own errors. Then ``mark_errors``."""
    fields = fields or {}
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            target = fields.get(name, name)
            form.add_error(target if target in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
    mark_errors(form)


def mark_errors(form: forms.Form) -> None:
    """``aria-invalid`` and ``aria-describedby`` (the error message, then the help text) on every field
    with errors; the templates render the message as ``<p id="<auto_id>_error">``."""
    for name in form.errors:
        if name not in form.fields:
            continue
        bound = form[name]
        described = [f"{bound.auto_id}_error"]
        if form.fields[name].help_text:
            described.append(f"{bound.auto_id}_helptext")
        form.fields[name].widget.attrs.update(
            {"aria-invalid": "true", "aria-describedby": " ".join(described)}
        )
