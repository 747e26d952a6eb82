"""The admin of versioned, audited records: its forms check like the API (geometry by geo.validation,
the record by the app's service check) and its saves go through the app's services, so the admin's
writes are versioned and audited like every other (one historical record per save, with the
many-to-many fields)."""

import copy
from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise

from geo import validation
from geo.records.services import VersionedRecord


class RecordAdminForm(forms.ModelForm):
    """A record's admin form. A subclass declares ``stale_message`` (shown when someone saved the
    record since the form was opened: the version read travels in a hidden field) and ``check``,
    the app's service check on a candidate (an unsaved copy of the record with the form's values)."""

    version_read = forms.IntegerField(widget=forms.HiddenInput, required=False)
    stale_message: ClassVar[str | Promise]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version_read"].initial = self.instance.version if self.instance.pk else None

    user: Any = None  # the signed-in user who saves (set by RecordAdmin.get_form)

    def check(self, candidate: Any, cleaned: dict) -> None:
        """The service's rules on ``candidate``; a ``ValidationError`` naming the fields at fault."""
        raise NotImplementedError

    def clean_geom(self):
        geom = self.cleaned_data.get("geom")
        if geom is None:
            return None
        try:
            return validation.geometry_check(geom, field="geom")
        except validation.GeometryRejected as error:
            raise ValidationError(error.reason) from None

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("version_read") not in (None, self.instance.version):
            raise ValidationError(self.stale_message)
        if self.errors:
            return cleaned
        m2m = {field.name for field in self._meta.model._meta.many_to_many}
        candidate = copy.copy(self.instance)
        for name, value in cleaned.items():
            if name not in m2m and name != "version_read":
                setattr(candidate, name, value)
        try:
            self.check(candidate, cleaned)
        except ValidationError as error:
            found = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
            for field, messages in found.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned


class RecordAdmin:
    """Mixin for a ``ModelAdmin``: saves through the app's services. Declares ``record`` (its
    ``fields`` are what a save passes on) and ``create_record`` / ``update_record`` (called through
    the class, like ``geo.records.api``'s)."""

    record: ClassVar[VersionedRecord]
    create_record: ClassVar[Callable[..., Any]]
    update_record: ClassVar[Callable[..., Any]]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user  # who saves: the app's check may ask (e.g. the city scope, staff.scope)
        return form

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in self.record.fields if name in form.cleaned_data}
        if change:
            # the form compared the version it read (RecordAdminForm.clean)
            saved = type(self).update_record(
                **{f"{self.record.name}_id": obj.pk}, expected_versions=None, user=request.user, **data
            )
        else:
            saved = type(self).create_record(user=request.user, **data)
        obj.pk, obj.version = saved.pk, saved.version

    def save_related(self, request, form, formsets, change):
        # the many-to-many fields were saved by the service with the row (one historical record)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
