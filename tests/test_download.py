"""Fetching a page: bounded in time, size and redirects, and never from an
address inside the network unless allowed. Every page comes from the tests'
own server on 127.0.0.1 (tests/webserver.py), never the internet: a fetch
that should succeed says `allow_private=True`, since 127.0.0.1 is loopback."""

from __future__ import annotations

import gzip
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.webserver import Route, WebServer
from tracker.errors import AddressRefused, FetchError
from tracker.ingest import download
from tracker.ingest.download import USER_AGENT, fetch, refusal
from tracker.limits import MAX_FETCH_BYTES

PAGE = "<!DOCTYPE html><html><body><article><p>The ministry denied it.</p></article></body></html>"


def test_a_page_is_fetched_with_what_the_server_said(web: WebServer) -> None:
    url = web.page("/a", PAGE, "text/html; charset=ISO-8859-1")
    got = fetch(url + "#section", allow_private=True)
    assert got.body == PAGE.encode()
    assert (got.url, got.final_url) == (url, url)  # the fragment is no part of the address
    assert (got.media_type, got.charset) == ("text/html", "iso-8859-1")
    assert got.redirects == ()
    assert got.fetched_at.tzinfo is not None and abs(time.time() - got.fetched_at.timestamp()) < 60
    asked = web.requests[-1]
    assert asked.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("tracker/0.") and "+https://" in USER_AGENT
    assert asked.headers["Accept"].startswith("text/html")


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirects_are_followed(web: WebServer, status: int) -> None:
    url = web.page("/article", PAGE)
    start = web.redirect("/short", "/hop", status)
    web.redirect("/hop", url, 301)  # an absolute Location as well as a relative one
    got = fetch(start, allow_private=True)
    assert got.body == PAGE.encode()
    assert (got.url, got.final_url, got.redirects) == (start, url, (web.url("/hop"), url))


def test_a_redirect_loop_is_named(web: WebServer) -> None:
    web.redirect("/a", "/b")
    web.redirect("/b", "/a")
    with pytest.raises(FetchError) as refused:
        fetch(web.url("/a"), allow_private=True)
    assert str(refused.value) == f"{web.url('/a')}: redirects in a loop (back to {web.url('/a')})"
    assert web.asked("/a") == 1 and web.asked("/b") == 1


def test_too_many_redirects_are_refused(web: WebServer) -> None:
    for n in range(5):
        web.redirect(f"/{n}", f"/{n + 1}")
    web.page("/5", PAGE)
    assert fetch(web.url("/0"), allow_private=True, max_redirects=5).body == PAGE.encode()
    with pytest.raises(FetchError, match=r"/0: redirects more than 4 times$"):
        fetch(web.url("/0"), allow_private=True, max_redirects=4)
    assert web.asked("/5") == 1  # the refused fetch never went that far


@pytest.mark.parametrize(
    ("location", "why"),
    [
        ("ftp://example.org/file", "only http and https URLs are fetched"),
        ("file:///etc/passwd", "only http and https URLs are fetched"),
        ("javascript:alert(1)", "only http and https URLs are fetched"),
        ("http://user:secret@example.org/", "holds a user name or password"),
        ("http://[::1", "not a valid URL"),
    ],
)
def test_a_redirect_off_the_web_is_refused(web: WebServer, location: str, why: str) -> None:
    start = web.redirect("/away", location)
    with pytest.raises(FetchError) as refused:
        fetch(start, allow_private=True)
    assert str(refused.value).startswith(f"{start}: redirects to {location!r}")
    assert why in str(refused.value)


def test_a_slow_server_is_given_up_on(web: WebServer) -> None:
    web.page("/slow", PAGE, delay=5)
    began = time.monotonic()
    with pytest.raises(FetchError, match=r"/slow: no complete answer within 0.5 seconds$"):
        fetch(web.url("/slow"), allow_private=True, timeout=0.5)
    assert time.monotonic() - began < 2


def test_a_dribbling_server_is_given_up_on_at_the_deadline(web: WebServer) -> None:
    """Each byte arrives well within any read timeout; the whole page would
    take 20 s. The deadline covers the fetch, not each read."""
    web.page("/drip", PAGE, drip=0.2)
    began = time.monotonic()
    with pytest.raises(FetchError, match="no complete answer within 1 seconds"):
        fetch(web.url("/drip"), allow_private=True, timeout=1)
    assert time.monotonic() - began < 2.5


@pytest.mark.parametrize("content_length", [True, False])
def test_a_page_over_the_bound_is_refused(web: WebServer, content_length: bool) -> None:
    web.page("/big", b"<html>" + b"x" * 20_000, content_length=content_length)
    with pytest.raises(
        FetchError, match=r"/big: larger than 10,000 bytes, the most a fetch reads$"
    ):
        fetch(web.url("/big"), allow_private=True, max_bytes=10_000)
    assert fetch(web.url("/big"), allow_private=True, max_bytes=20_006).body.startswith(b"<html>")


def test_the_default_bound_is_counted_as_the_body_streams(web: WebServer) -> None:
    """No Content-Length, and a body that would never end: reading stops past
    MAX_FETCH_BYTES."""
    sent = []

    def endless() -> Iterator[bytes]:
        while True:
            sent.append(65536)
            yield b"x" * 65536

    web.routes["/endless"] = Route(body=endless, headers={"Content-Type": "text/html"})
    with pytest.raises(FetchError, match=f"larger than {MAX_FETCH_BYTES:,} bytes"):
        fetch(web.url("/endless"), allow_private=True)
    assert MAX_FETCH_BYTES < sum(sent) < 4 * MAX_FETCH_BYTES


def test_a_lying_content_length_is_no_bound(web: WebServer) -> None:
    """A Content-Length under the bound does not let a longer body in."""
    body = b"<html>" + b"x" * 20_000
    web.routes["/lies"] = Route(body=lambda: [body], headers={"Content-Length": "10"})
    assert len(fetch(web.url("/lies"), allow_private=True, max_bytes=100).body) == 10


def test_gzip_is_decoded_and_bounded_decoded(web: WebServer) -> None:
    packed = gzip.compress(b"<html>" + b"x" * 50_000)
    web.page("/gz", packed, headers={"Content-Encoding": "gzip", "Content-Type": "text/html"})
    assert len(fetch(web.url("/gz"), allow_private=True).body) == 50_006
    assert len(packed) < 1_000
    with pytest.raises(FetchError, match="larger than 10,000 bytes"):
        fetch(web.url("/gz"), allow_private=True, max_bytes=10_000)
    web.page("/badgz", b"not gzip", headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="compressed body cannot be decoded"):
        fetch(web.url("/badgz"), allow_private=True)


@pytest.mark.parametrize(
    ("status", "answer"), [(404, "404 Not Found"), (500, "500 Internal Server Error")]
)
def test_an_error_status_is_named(web: WebServer, status: int, answer: str) -> None:
    web.page("/e", PAGE, status=status)
    with pytest.raises(FetchError) as refused:
        fetch(web.url("/e"), allow_private=True)
    assert str(refused.value) == f"{web.url('/e')}: the server answered {answer}"


def test_a_media_type_not_accepted_is_refused(web: WebServer) -> None:
    web.page("/doc.pdf", b"%PDF-1.7", "application/pdf")
    with pytest.raises(FetchError, match="the server sends 'application/pdf', not one of: text/"):
        fetch(web.url("/doc.pdf"), allow_private=True)
    web.page("/feed", b"<rss/>", "application/rss+xml")
    got = fetch(web.url("/feed"), allow_private=True, accept=["application/rss+xml"])
    assert got.media_type == "application/rss+xml"
    web.page("/untyped", PAGE, None)
    assert fetch(web.url("/untyped"), allow_private=True).media_type is None


def test_a_server_that_is_not_there_is_named() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # free, and closed again: nothing listens
    with pytest.raises(FetchError, match=rf"^http://127.0.0.1:{port}/: cannot connect: "):
        fetch(f"http://127.0.0.1:{port}/", allow_private=True)


def test_an_answer_that_is_not_http_is_named() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()

        def answer() -> None:
            connection, _ = server.accept()
            with connection:
                connection.recv(4096)
                connection.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")

        thread = threading.Thread(target=answer)
        thread.start()
        url = f"http://127.0.0.1:{server.getsockname()[1]}/"
        with pytest.raises(FetchError, match=r"the fetch failed: "):
            fetch(url, allow_private=True, timeout=5)
        thread.join(5)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("example.org/a", "only http and https URLs are fetched"),
        ("mailto:desk@example.org", "only http and https URLs are fetched"),
        ("http:///a", "the URL names no host"),
        ("https://editor:hunter2@example.org/a", "holds a user name or password"),
        ("http://0177.0.0.1/", "not a valid URL"),  # octal: read as neither 177 nor 127
        ("https://example.org/" + "a" * 2000, "longer than 2000 characters"),
    ],
)
def test_urls_that_are_not_fetched(url: str, why: str) -> None:
    with pytest.raises(FetchError, match=why):
        fetch(url)


# -- addresses inside the network (SSRF) ----------------------------------------------------


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "a loopback address"),
        ("127.255.0.9", "a loopback address"),
        ("10.1.2.3", "a private address"),
        ("172.16.0.1", "a private address"),
        ("192.168.1.1", "a private address"),
        ("100.64.0.1", "not a public address"),  # carrier-grade NAT
        ("169.254.169.254", "a link-local address"),  # cloud metadata
        ("0.0.0.0", "an unspecified address"),
        ("224.0.0.1", "a multicast address"),
        ("240.0.0.1", "a private address"),  # reserved, and counted private by Python
        ("192.0.2.1", "a private address"),  # documentation (TEST-NET-1)
        ("::1", "a loopback address"),
        ("::", "an unspecified address"),
        ("fe80::1", "a link-local address"),
        ("fe80::1%eth0", "a link-local address"),
        ("fc00::1", "a private address"),
        ("ff02::1", "a multicast address"),
        ("::ffff:127.0.0.1", "a loopback address (IPv4 127.0.0.1 inside IPv6)"),
        ("::ffff:10.0.0.1", "a private address (IPv4 10.0.0.1 inside IPv6)"),
        ("2002:a9fe:a9fe::", "a link-local address (IPv4 169.254.169.254 inside IPv6)"),  # 6to4
        ("64:ff9b::7f00:1", "a loopback address (IPv4 127.0.0.1 inside IPv6)"),  # NAT64
    ],
)
def test_addresses_inside_the_network_are_refused(address: str, why: str) -> None:
    assert refusal(address) == why


@pytest.mark.parametrize(
    "address", ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]
)
def test_public_addresses_are_not(address: str) -> None:
    assert refusal(address) is None


@pytest.mark.parametrize(
    ("host", "shown"),
    [
        ("127.0.0.1", "127.0.0.1 is a loopback address"),
        ("localhost", "localhost is "),  # 127.0.0.1 or ::1, as the resolver says
        ("2130706433", "2130706433 is 127.0.0.1, a loopback address"),  # decimal
        ("0x7f000001", "0x7f000001 is 127.0.0.1, a loopback address"),  # hexadecimal
        ("127.1", "127.1 is 127.0.0.1, a loopback address"),  # shortened
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1 is a loopback address (IPv4 127.0.0.1"),
        ("[::1]", "::1 is a loopback address"),
    ],
)
def test_a_fetch_refuses_every_spelling_of_loopback(web: WebServer, host: str, shown: str) -> None:
    web.page("/a", PAGE)
    url = web.url("/a", host=host)
    with pytest.raises(AddressRefused) as refused:
        fetch(url)
    assert str(refused.value).startswith(f"{url}: not fetched: {shown}")
    assert web.requests == []  # not one byte reached the server


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[list[str]]]:
    """Names the tests resolve: each lookup of a name takes the next answer
    in its list (the last one repeats), as a DNS server an attacker runs
    would answer; every other name resolves as usual."""
    answers: dict[str, list[list[str]]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in answers:
            return real(host, port, *args, **kwargs)
        queue = answers[host]
        found = queue.pop(0) if len(queue) > 1 else queue[0]
        family = {True: socket.AF_INET6, False: socket.AF_INET}
        return [(family[":" in a], socket.SOCK_STREAM, 6, "", (a, port)) for a in found]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def test_a_name_that_resolves_inside_the_network_is_refused(
    web: WebServer, resolver: dict[str, list[list[str]]]
) -> None:
    resolver["news.example"] = [["10.20.30.40"]]
    resolver["mixed.example"] = [["93.184.215.14", "127.0.0.1"]]
    with pytest.raises(
        AddressRefused, match=re.escape("news.example is 10.20.30.40, a private address")
    ):
        fetch("http://news.example/a")
    # One address inside is enough: the resolver, not tracker, picks which is tried.
    with pytest.raises(
        AddressRefused, match=re.escape("mixed.example is 127.0.0.1, a loopback address")
    ):
        fetch("http://mixed.example/a")


def test_a_resolver_that_hangs_is_given_up_on_at_the_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A dead DNS server holds getaddrinfo for its own retries; the fetch's
    deadline counts the lookup too."""
    released = threading.Event()

    def getaddrinfo(*args: Any, **kwargs: Any) -> Any:
        released.wait(10)
        raise socket.gaierror("released")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    try:
        with pytest.raises(
            FetchError, match=r"^http://dead-dns.example/a: no complete answer within 0.3 seconds$"
        ):
            fetch("http://dead-dns.example/a", timeout=0.3)
        # Still waiting: the fetch returned before the lookup did.
        assert not released.is_set()
    finally:
        released.set()


@pytest.fixture
def public_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """127.0.0.1 stands in for a public server (there is no other without
    the internet); every other address is judged as usual."""
    real = download.refusal
    monkeypatch.setattr(download, "refusal", lambda a: None if a == "127.0.0.1" else real(a))


def test_a_redirect_inside_the_network_is_refused(web: WebServer, public_loopback: None) -> None:
    web.page("/a", PAGE)
    assert fetch(web.url("/a")).body == PAGE.encode()  # the stand-in for a public server
    start = web.redirect("/r", "http://169.254.169.254/latest/meta-data/")
    with pytest.raises(AddressRefused) as refused:
        fetch(start)
    assert str(refused.value) == (
        f"{start} (redirected to http://169.254.169.254/latest/meta-data/): not fetched:"
        " 169.254.169.254 is a link-local address"
    )
    web.redirect("/r6", f"http://[::1]:{web.port}/a")
    with pytest.raises(AddressRefused, match="::1 is a loopback address"):
        fetch(web.url("/r6"))
    assert web.asked("/a") == 1  # only the first, allowed fetch


def test_a_name_is_resolved_once_and_connected_to_as_checked(
    web: WebServer, public_loopback: None, resolver: dict[str, list[list[str]]]
) -> None:
    """DNS rebinding: the first answer passes the check, the next ones point
    inside. The fetch resolves once and connects to the address it checked,
    naming the host in the request."""
    resolver["rebind.example"] = [["127.0.0.1"], ["10.0.0.1"]]
    web.page("/a", PAGE)
    got = fetch(f"http://rebind.example:{web.port}/a")
    assert got.body == PAGE.encode()
    assert resolver["rebind.example"] == [["10.0.0.1"]]  # one lookup, the checked one
    assert web.requests[-1].headers["Host"] == f"rebind.example:{web.port}"
    with pytest.raises(
        AddressRefused, match=re.escape("rebind.example is 10.0.0.1, a private address")
    ):
        fetch(f"http://rebind.example:{web.port}/a")  # the next lookup points inside


def test_the_address_connected_to_is_checked(
    web: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even were a connection to land elsewhere than the address checked,
    the socket's peer is judged again before a byte is sent."""
    web.page("/a", PAGE)
    judged = []
    real = download.refusal

    def spy(address: str) -> str | None:
        judged.append(address)
        return None if len(judged) == 1 else real(address)  # pass the lookup, judge the peer

    monkeypatch.setattr(download, "refusal", spy)
    with pytest.raises(AddressRefused, match=re.escape("127.0.0.1 is a loopback address")):
        fetch(web.url("/a"))
    assert judged == ["127.0.0.1", "127.0.0.1"] and web.requests == []


def test_no_proxy_from_the_environment_is_used(
    web: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A proxy would connect where the check cannot see."""
    monkeypatch.setenv("HTTP_PROXY", "http://10.9.9.9:3128")
    monkeypatch.setenv("ALL_PROXY", "http://10.9.9.9:3128")
    web.page("/a", PAGE)
    assert fetch(web.url("/a"), allow_private=True, timeout=3).body == PAGE.encode()


# -- TLS: connected by address, verified by name -------------------------------------------


@pytest.fixture
def tls_web(web: WebServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WebServer:
    """The test server behind TLS, with a certificate for "localhost" alone,
    which the fetch is made to trust."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    served = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    served.load_cert_chain(cert, key)
    web._server.socket = served.wrap_socket(web._server.socket, server_side=True)
    trusted = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(download, "ssl_context", lambda: trusted)
    return web


def test_tls_verifies_the_name_not_the_address(tls_web: WebServer) -> None:
    tls_web.page("/a", PAGE)
    got = fetch(f"https://localhost:{tls_web.port}/a", allow_private=True)
    assert got.body == PAGE.encode()
    # The same server by its address: the certificate does not name it.
    with pytest.raises(FetchError, match=r"cannot connect: .*CERTIFICATE_VERIFY_FAILED"):
        fetch(f"https://127.0.0.1:{tls_web.port}/a", allow_private=True)
