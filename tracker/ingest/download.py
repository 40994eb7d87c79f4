"""Fetching a page from the web: within bounds, and never from inside the network.

A fetch follows at most MAX_REDIRECTS redirects, reads at most MAX_FETCH_BYTES
(counted as the body arrives: a Content-Length is only a hint), and gives up
FETCH_TIMEOUT seconds after it started, every connection, redirect and byte
included (tracker.limits). Only http and https are fetched, and no proxy from
the environment is used: a proxy would connect where the address check below
cannot see.

Server-side request forgery: a URL can name, or a redirect lead to, a machine
that the user's own network reaches and the public cannot — a router's admin
page, a cloud's metadata service at 169.254.169.254, a database on localhost.
Every connection is made by `_Guard`: it resolves the host once, refuses it if
any address it resolves to is not public (private, loopback, link-local,
multicast, reserved, unspecified; IPv4 carried inside IPv6 judged as that
IPv4), connects to that very address — the name is not resolved again, so a
DNS answer that changes between the check and the connection (rebinding)
changes nothing — and checks the address the socket is connected to. The
request still names the host (Host header, TLS SNI) and TLS verifies the
certificate against the name. Numeric spellings of a host (2130706433,
0x7f000001, 127.1) resolve to what they spell and are judged as that.
`allow_private=True` lifts the address check, for a server on the user's own
network (and the tests, which serve from 127.0.0.1).

Built on httpx (URLs, headers, content decoding) over httpcore, whose network
backend is the one place every connection is opened: that is where the guard
sits.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx

from tracker import __version__
from tracker.errors import AddressRefused, FetchError
from tracker.limits import FETCH_TIMEOUT, MAX_FETCH_BYTES, MAX_REDIRECTS, MAX_URL_LENGTH

USER_AGENT = (
    f"tracker/{__version__} (claim-and-denial tracker; +https://github.com/tracker/tracker)"
)
SCHEMES = ("http", "https")
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain", "text/markdown")
PAGE_TYPES = HTML_TYPES + TEXT_TYPES

# Most specific first: 127.0.0.1 is private too, and "loopback" says more.
_KINDS = (
    ("is_unspecified", "unspecified"),
    ("is_loopback", "loopback"),
    ("is_link_local", "link-local"),
    ("is_multicast", "multicast"),
    ("is_private", "private"),
    ("is_reserved", "reserved"),
)
# The well-known NAT64 prefix: 64:ff9b::a.b.c.d reaches IPv4 a.b.c.d.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


@dataclass(frozen=True)
class Download:
    """A page as the server sent it, and where and when it was read."""

    url: str  # as asked for (normalised, without a fragment)
    final_url: str  # where the body was read, after redirects
    media_type: str | None  # from Content-Type (text/html...); None if the server names none
    charset: str | None  # the charset Content-Type declares, if any
    body: bytes  # decoded from gzip or deflate, if sent so
    fetched_at: dt.datetime  # UTC, when the body was read
    redirects: tuple[str, ...] = ()  # each address redirected to, in order
    headers: Mapping[str, str] = field(default_factory=dict)  # the final response's
    # 304: the page has not changed since the validators sent (a conditional
    # request, headers If-None-Match or If-Modified-Since); its body is empty.
    status: int = 200


def refusal(address: str) -> str | None:
    """Why a connection to the IP `address` is refused ("a loopback
    address"...), or None for a public address."""
    ip = ipaddress.ip_address(address.partition("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is None and ip in _NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            # Connecting there is connecting to the IPv4 address inside.
            why = refusal(str(inner))
            return f"{why} (IPv4 {inner} inside IPv6)" if why else None
    for flag, name in _KINDS:
        if getattr(ip, flag):
            return f"{'an' if name[0] in 'aeiou' else 'a'} {name} address"
    return None if ip.is_global else "not a public address"


def checked_url(url: str | httpx.URL, what: str = "") -> httpx.URL:
    """`url` parsed and normalised (no fragment), or a FetchError saying why
    it is not fetched. `what` leads the message ("https://a: redirects to")."""
    lead = what or repr(str(url))
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise FetchError(f"{lead}: not a valid URL: {exc}") from None
    if parsed.scheme not in SCHEMES:
        raise FetchError(f"{lead}: only http and https URLs are fetched, not {str(url)!r}")
    if not parsed.host:
        raise FetchError(f"{lead}: the URL names no host")
    if parsed.userinfo:
        # It would be stored with the source, and shown wherever the source is.
        raise FetchError(f"{lead}: the URL holds a user name or password: give it without")
    parsed = parsed.copy_with(fragment=None)
    if len(str(parsed)) > MAX_URL_LENGTH:
        raise FetchError(f"{lead}: a URL longer than {MAX_URL_LENGTH} characters is not fetched")
    return parsed


class _Guard(httpcore.NetworkBackend):
    """Opens every connection of one fetch: to public addresses only (unless
    allowed), each resolved once, and none past the fetch's deadline."""

    def __init__(self, allow_private: bool, deadline: float) -> None:
        self._inner = httpcore.SyncBackend()
        self._allow_private = allow_private
        self._deadline = deadline

    def remaining(self, timeout: float | None = None) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("the fetch's time is up")
        return left if timeout is None else min(left, timeout)

    def check(self, host: str, address: str) -> None:
        why = None if self._allow_private else refusal(address)
        if why:
            name = f"{address} is" if host == address else f"{host} is {address},"
            raise AddressRefused(f"{name} {why}")

    def resolve(self, host: str, port: int) -> list[Any]:
        """getaddrinfo by the fetch's deadline. The system resolver takes no
        timeout of its own (a dead DNS server holds it for its retries, 30 s
        or more), so it runs in a daemon thread that is left behind, if it
        overruns, to finish on its own."""
        answer: list[Any] = []
        failure: list[BaseException] = []

        def lookup() -> None:
            try:
                answer.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
            except (OSError, UnicodeError) as exc:
                failure.append(exc)

        thread = threading.Thread(target=lookup, name=f"resolve {host}", daemon=True)
        thread.start()
        thread.join(self.remaining())
        if thread.is_alive():
            raise httpcore.ConnectTimeout(f"cannot resolve {host} in time")
        if failure:
            raise httpcore.ConnectError(f"cannot resolve {host}: {failure[0]}") from None
        return answer

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        found = self.resolve(host, port)
        addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
        for address in addresses:  # one address refused refuses the name
            self.check(host, address)
        failure: Exception = httpcore.ConnectError(f"{host} resolves to no address")
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    address, port, self.remaining(timeout), local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                failure = exc
                continue
            try:
                self.check(host, str(stream.get_extra_info("server_addr")[0]))
            except AddressRefused:
                stream.close()
                raise
            return _Bounded(stream, self)
        raise failure

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("a fetch never connects to a local socket")

    def sleep(self, seconds: float) -> None:
        time.sleep(min(seconds, self.remaining()))


class _Bounded(httpcore.NetworkStream):
    """A connection whose every read and write ends by the fetch's deadline:
    a server that dribbles a byte at a time cannot hold it longer."""

    def __init__(self, stream: httpcore.NetworkStream, guard: _Guard) -> None:
        self._stream = stream
        self._guard = guard

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._guard.remaining(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._guard.remaining(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        tls = self._stream.start_tls(ssl_context, server_hostname, self._guard.remaining(timeout))
        return _Bounded(tls, self._guard)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Body(httpx.SyncByteStream):
    def __init__(self, response: httpcore.Response) -> None:
        self._response = response

    def __iter__(self) -> Iterator[bytes]:
        stream = self._response.stream
        assert isinstance(stream, Iterable)
        yield from stream

    def close(self) -> None:
        self._response.close()


def ssl_context() -> ssl.SSLContext:
    """Certificates verified against certifi's roots, as httpx does by default."""
    return httpx.create_ssl_context(trust_env=False)


class _Transport(httpx.BaseTransport):
    """httpx over an httpcore pool whose connections the guard opens."""

    def __init__(self, guard: _Guard) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context(),
            network_backend=guard,
            max_connections=2,
            retries=0,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        response = self._pool.handle_request(
            httpcore.Request(
                method=request.method,
                url=httpcore.URL(
                    scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
                ),
                headers=request.headers.raw,
                content=request.read(),
                extensions=request.extensions,
            )
        )
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(response),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


def fetch(
    url: str,
    *,
    allow_private: bool = False,
    accept: Collection[str] = PAGE_TYPES,
    timeout: float | None = None,
    max_bytes: int | None = None,
    max_redirects: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> Download:
    """GET `url`, following redirects, within the bounds given (None: those
    of tracker.limits). A body of a media type not in `accept` is refused
    (one with no Content-Type is returned, `media_type` None: the caller
    decides). Any failure is a FetchError naming `url` (AddressRefused for an
    address that is not public, unless `allow_private`). A conditional
    request (`headers` give If-None-Match or If-Modified-Since) answered
    304 Not Modified is a Download of `status` 304 and no body."""
    timeout = FETCH_TIMEOUT if timeout is None else timeout
    max_bytes = MAX_FETCH_BYTES if max_bytes is None else max_bytes
    max_redirects = MAX_REDIRECTS if max_redirects is None else max_redirects
    start = checked_url(url)
    guard = _Guard(allow_private, time.monotonic() + timeout)
    request_headers = {
        "User-Agent": USER_AGENT,
        "Accept": ", ".join(accept),
        # Not br or zstd: httpx decodes those only with optional packages.
        "Accept-Encoding": "gzip, deflate",
        **(headers or {}),
    }
    current, redirects = start, list[str]()
    # Each request built and sent by hand, not by an httpx.Client: a client
    # reads the Location of every redirect itself, and fails on a bad one
    # before this code can say where it pointed.
    extensions = {"timeout": httpx.Timeout(timeout).as_dict()}
    try:
        with _Transport(guard) as transport:
            while True:
                request = httpx.Request("GET", current, headers=request_headers)
                request.extensions = extensions
                response = transport.handle_request(request)
                response.request = request
                try:
                    if response.status_code == 304 and _conditional(request_headers):
                        return _unchanged(start, response, redirects)
                    # A 3xx without a Location (300, 304) is an answer, not a redirect.
                    if not response.has_redirect_location:
                        return _read(start, response, accept, max_bytes, redirects)
                    location = response.headers["location"]
                    lead = f"{start}: redirects to {location!r}"
                    try:
                        target = checked_url(current.join(location), lead)
                    except httpx.InvalidURL as exc:
                        raise FetchError(f"{lead}, not a valid URL: {exc}") from None
                finally:
                    response.close()
                if str(target) in (str(start), *redirects):
                    raise FetchError(f"{start}: redirects in a loop (back to {target})")
                if len(redirects) == max_redirects:
                    raise FetchError(f"{start}: redirects more than {max_redirects} times")
                redirects.append(str(target))
                current = target
    except AddressRefused as exc:
        through = f" (redirected to {redirects[-1]})" if redirects else ""
        raise AddressRefused(f"{start}{through}: not fetched: {exc}") from None
    except FetchError:
        raise
    except (httpx.TimeoutException, httpcore.TimeoutException):
        raise FetchError(f"{start}: no complete answer within {timeout:g} seconds") from None
    except httpx.DecodingError:
        raise FetchError(f"{start}: the page's compressed body cannot be decoded") from None
    except (httpx.ConnectError, httpcore.ConnectError) as exc:
        raise FetchError(f"{start}: cannot connect: {exc}") from None
    except (httpx.HTTPError, httpcore.ProtocolError, httpcore.NetworkError) as exc:
        raise FetchError(f"{start}: the fetch failed: {exc or type(exc).__name__}") from None


def _conditional(headers: Mapping[str, str]) -> bool:
    return any(h.lower() in ("if-none-match", "if-modified-since") for h in headers)


def _unchanged(start: httpx.URL, response: httpx.Response, redirects: list[str]) -> Download:
    return Download(
        url=str(start),
        final_url=str(response.url),
        media_type=None,
        charset=None,
        body=b"",
        fetched_at=dt.datetime.now(dt.UTC),
        redirects=tuple(redirects),
        headers=dict(response.headers.items()),
        status=304,
    )


def _read(
    start: httpx.URL,
    response: httpx.Response,
    accept: Collection[str],
    max_bytes: int,
    redirects: list[str],
) -> Download:
    if not 200 <= response.status_code < 300:
        answer = f"{response.status_code} {response.reason_phrase}".strip()
        raise FetchError(f"{start}: the server answered {answer}")
    content_type = response.headers.get("content-type", "")
    media_type = content_type.partition(";")[0].strip().lower() or None
    if media_type is not None and media_type not in accept:
        raise FetchError(
            f"{start}: the server sends {media_type!r}, not one of: {', '.join(accept)}"
        )
    too_large = FetchError(f"{start}: larger than {max_bytes:,} bytes, the most a fetch reads")
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise too_large
    body = bytearray()
    # Counted decoded, as it arrives: a gzip body expands past its length.
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise too_large
    return Download(
        url=str(start),
        final_url=str(response.url),
        media_type=media_type,
        charset=response.charset_encoding,
        body=bytes(body),
        fetched_at=dt.datetime.now(dt.UTC),
        redirects=tuple(redirects),
        headers=dict(response.headers.items()),
    )
