"""allauth's adapter: where citizens land after signing in and out, and how allauth counts clients."""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse

from participation.privacy import client_key


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        """allauth's rate limits count by the keyed hash of the client's network (as throttling and
        axes do): no address is kept, not even in the cache."""
        return client_key(request)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return reverse("konto_overview")

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return reverse("konto_overview")

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        return "/"
