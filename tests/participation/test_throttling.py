"""Anonymous writes are throttled per client by a keyed hash of its IP; the IP is never stored."""

import hashlib
import hmac
import time

from django.core.cache import caches

from participation.privacy import ip_hash
from participation.throttling import parse_rate
from tests.conftest import sql_value
from tests.participation.conftest import body, client_for, counts, create, post


def test_it_parses_rates_with_a_multiplier():
    assert parse_rate("5/10m") == (5, 600)
    assert parse_rate("100/day") == (100, 86_400)
    assert parse_rate("3/s") == (3, 1)


def test_the_sixth_anonymous_contribution_in_ten_minutes_gets_429_with_retry_after(api, consultation):
    for _ in range(5):
        assert post(api, consultation).status_code == 201
    before = counts()

    response = post(api, consultation)

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    assert body(response)["detail"]
    assert counts() == before


def test_another_client_is_not_throttled(api, consultation):
    for _ in range(5):
        post(api, consultation)
    other = client_for(None)
    response = other.post(
        "/api/contributions/",
        {"consultation": consultation.pk, "lon": 9.1956, "lat": 48.8997, "text": "x", "category": "idea"},
        format="json",
        REMOTE_ADDR="192.0.2.7",
    )
    assert response.status_code == 201


def test_an_invented_x_forwarded_for_does_not_dodge_the_throttle(api, consultation, settings):
    settings.TRUSTED_PROXIES = 0  # the server facing the clients: the header is theirs
    for n in range(5):
        assert post(api, consultation, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code == 201
    assert post(api, consultation, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


NGINX = "10.0.0.2"  # REMOTE_ADDR of every request behind the documented reverse proxy


def via_nginx(forwarded: str) -> dict[str, str]:
    return {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": forwarded}


def test_behind_one_trusted_proxy_each_citizen_has_a_bucket_of_their_own(api, consultation, settings):
    settings.TRUSTED_PROXIES = 1
    for _ in range(5):
        assert post(api, consultation, **via_nginx("198.51.100.1")).status_code == 201
    assert post(api, consultation, **via_nginx("198.51.100.1")).status_code == 429

    # another citizen behind the same proxy is not throttled with the first
    assert post(api, consultation, **via_nginx("198.51.100.2")).status_code == 201


def test_behind_one_trusted_proxy_a_forged_hop_on_the_left_does_not_help(api, consultation, settings):
    settings.TRUSTED_PROXIES = 1
    for n in range(5):
        # the client sent "X-Forwarded-For: 203.0.113.n", nginx appended the address it saw
        assert post(api, consultation, **via_nginx(f"203.0.113.{n}, 198.51.100.1")).status_code == 201
    assert post(api, consultation, **via_nginx("203.0.113.99, 198.51.100.1")).status_code == 429


def test_behind_one_trusted_proxy_the_ipv6_64_is_one_client(api, consultation, settings):
    settings.TRUSTED_PROXIES = 1
    for n in range(5):
        assert post(api, consultation, **via_nginx(f"2001:db8:1:2::{n + 1}")).status_code == 201
    assert post(api, consultation, **via_nginx("2001:db8:1:2:ffff::1")).status_code == 429
    assert post(api, consultation, **via_nginx("2001:db8:1:3::1")).status_code == 201


def test_behind_one_trusted_proxy_the_counter_holds_no_address(api, consultation, settings):
    settings.TRUSTED_PROXIES = 1
    post(api, consultation, **via_nginx("203.0.113.9, 198.51.100.1"))

    keys = sql_value("SELECT string_agg(cache_key, ' ') FROM participation_cache")
    assert ip_hash("198.51.100.1") in keys
    assert "198.51.100.1" not in keys and NGINX not in keys and "203.0.113.9" not in keys


def test_the_rate_is_a_setting(api, consultation, settings):
    settings.PARTICIPATION_ANON_WRITE_RATE = "1/10m"
    assert post(api, consultation).status_code == 201
    assert post(api, consultation).status_code == 429


def test_signed_in_users_are_not_throttled_here(consultation, citizen):
    client = client_for(citizen)
    assert all(post(client, consultation).status_code == 201 for _ in range(7))


def test_supports_are_throttled_too(api, consultation, settings):
    settings.PARTICIPATION_ANON_REACTION_RATE = "2/10m"
    c = create(consultation, publish=True)
    url = f"/api/contributions/{c.pk}/support/"
    assert api.post(url).status_code == 201
    assert api.delete(url).status_code == 200
    assert api.post(url).status_code == 429


def test_the_counter_is_keyed_by_a_rotating_hash_never_by_the_ip(api, consultation, settings):
    settings.PARTICIPATION_IP_HASH_ROTATION_S = 3600
    post(api, consultation)

    keys = sql_value("SELECT string_agg(cache_key, ' ') FROM participation_cache")
    assert "127.0.0.1" not in keys
    assert ip_hash("127.0.0.1") in keys
    # the hash changes with the key period
    now = time.time()
    start = now - now % 3600
    assert ip_hash("127.0.0.1", now=start - 10) != ip_hash("127.0.0.1", now=start + 10)
    assert ip_hash("127.0.0.1", now=start + 10) == ip_hash("127.0.0.1", now=start + 20)
    assert caches["participation"].get(f"throttle:contribution:{ip_hash('127.0.0.1')}")


def test_the_hashing_key_is_random_and_deleted_two_periods_later(api, consultation, settings):
    from participation.models import HashKey

    settings.PARTICIPATION_IP_HASH_ROTATION_S = 3600
    period = int(time.time() // 3600)
    HashKey.objects.create(period=period - 5, secret=b"x" * 32)  # left over from long ago
    post(api, consultation)
    keys = dict(HashKey.objects.values_list("period", "secret"))
    assert list(keys) == [period]
    assert len(bytes(keys[period])) == 32
    # nothing derives it: under other secrets and settings the stored key is the one used
    settings.SECRET_KEY = "another-secret-entirely-for-this-test"
    assert (
        ip_hash("127.0.0.1") == hmac.new(bytes(keys[period]), b"127.0.0.1", hashlib.sha256).hexdigest()[:32]
    )
    # a period whose key is gone gets a throwaway key: an old hash matches nothing any more
    long_ago = time.time() - 3 * 3600
    assert ip_hash("127.0.0.1", now=long_ago) != ip_hash("127.0.0.1", now=long_ago)


def test_no_table_stores_the_client_ip(api, consultation):
    post(api, consultation, REMOTE_ADDR="198.51.100.23")
    api.post("/api/contributions/", {}, format="json", REMOTE_ADDR="198.51.100.23")
    dump = sql_value(
        "SELECT string_agg(t, ' ') FROM (SELECT row_to_json(c)::text AS t FROM participation_contribution c "
        "UNION ALL SELECT row_to_json(e)::text FROM participation_moderationevent e "
        "UNION ALL SELECT row_to_json(k)::text FROM participation_cache k) AS x"
    )
    assert "198.51.100.23" not in (dump or "")
    assert "127.0.0.1" not in (dump or "")
