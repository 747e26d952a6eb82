from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import NotificationSettings


class NotificationsForm(forms.Form):
    on_response = forms.BooleanField(
        label=NotificationSettings._meta.get_field("on_response").verbose_name, required=False
    )
    on_measure_status = forms.BooleanField(
        label=NotificationSettings._meta.get_field("on_measure_status").verbose_name, required=False
    )


class DeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form, refusing addresses longer than a mail system takes (254 characters)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].validators.append(MaxLengthValidator(254))
        if honeypot := self.fields.get("website"):
            # labelled as on /karte/ (allauth's has no label and an inline style, which the CSP blocks)
            honeypot.label = _("Leave this field empty")
            honeypot.widget.attrs = {}
