"""The client address of a request (geo.clients): ``X-Forwarded-For`` counts only through
``TRUSTED_PROXIES`` proxies, read from the right; anything a client can write is never believed.
Throttling with it: tests/participation/test_throttling.py; login lockouts: test_login_lockout.py."""

import pytest
from django.test import RequestFactory

from geo.clients import client_address, client_network
from participation.privacy import client_key, ip_hash

NGINX = "10.0.0.2"  # the proxy as the server sees it


def request(remote: str = NGINX, forwarded: str | None = None):
    environ = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        environ["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **environ)


@pytest.fixture
def proxies(settings):
    def set_to(n: int) -> None:
        settings.TRUSTED_PROXIES = n

    return set_to


def test_it_is_off_by_default(settings):
    assert settings.TRUSTED_PROXIES == 0


@pytest.mark.django_db  # the hashing key of the period lives in the database
def test_without_trusted_proxies_it_is_the_peer_and_the_header_is_ignored(proxies):
    proxies(0)
    assert client_address(request("198.51.100.7")) == "198.51.100.7"
    assert client_address(request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"
    assert client_key(request("198.51.100.7", "203.0.113.9")) == client_key(request("198.51.100.7"))


def test_behind_one_proxy_it_is_the_address_that_proxy_appended(proxies):
    proxies(1)
    assert client_address(request(NGINX, "198.51.100.7")) == "198.51.100.7"
    # nginx's $proxy_add_x_forwarded_for appends to what the client sent: the client wrote the rest
    assert client_address(request(NGINX, "203.0.113.9, 198.51.100.7")) == "198.51.100.7"
    assert client_address(request(NGINX, "1.1.1.1,2.2.2.2 ,  198.51.100.7")) == "198.51.100.7"


def test_behind_two_proxies_it_is_the_second_address_from_the_right(proxies):
    proxies(2)
    # client 198.51.100.7 → CDN (appends the client) → nginx 10.0.0.1 (appends the CDN's 192.0.2.50)
    assert client_address(request(NGINX, "203.0.113.9, 198.51.100.7, 192.0.2.50")) == "198.51.100.7"


@pytest.mark.parametrize("forwarded", [None, "", " , ", "198.51.100.7"])
def test_a_header_shorter_than_the_proxy_chain_falls_back_to_the_peer(proxies, forwarded):
    # a probe straight to the server, or a proxy that does not set the header: the peer, which no
    # client chooses (behind the proxy, one shared bucket — stricter, never laxer)
    proxies(2)
    assert client_address(request(NGINX, forwarded)) == NGINX


@pytest.mark.parametrize("hop", ["unknown", "_hidden", "198.51.100.7:4711", "<script>", "999.1.1.1"])
def test_a_malformed_trusted_hop_falls_back_to_the_peer(proxies, hop):
    proxies(1)
    assert client_address(request(NGINX, f"203.0.113.9, {hop}")) == NGINX


def test_malformed_hops_left_of_the_trusted_one_do_not_matter(proxies):
    proxies(1)
    assert client_address(request(NGINX, "unknown, <x>, 198.51.100.7")) == "198.51.100.7"


def test_addresses_are_normalised(proxies):
    proxies(1)
    assert client_address(request(NGINX, "2001:DB8:0:0::1")) == "2001:db8::1"
    assert client_address(request(NGINX, "::ffff:198.51.100.7")) == "198.51.100.7"
    proxies(0)
    assert client_address(request("::ffff:198.51.100.7")) == "198.51.100.7"


def test_without_any_address_it_is_unknown(proxies):
    proxies(0)
    assert client_address(request("")) == "unknown"


def test_ipv6_clients_count_by_their_64_network():
    assert client_network("198.51.100.7") == "198.51.100.7"
    assert client_network("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert client_network("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert client_network("2001:db8:1:3::1") == "2001:db8:1:3::/64"


@pytest.mark.django_db  # the hashing key of the period lives in the database
def test_the_client_key_is_a_keyed_hash_never_the_address(proxies):
    proxies(1)
    key = client_key(request(NGINX, "198.51.100.7"))
    assert key == ip_hash("198.51.100.7")
    assert "198.51.100.7" not in key and len(key) == 32
    assert client_key(request(NGINX, "2001:db8::1")) == client_key(request(NGINX, "2001:db8::ffff"))
    assert client_key(request(NGINX, "2001:db8::1")) != client_key(request(NGINX, "2001:db8:0:1::1"))
