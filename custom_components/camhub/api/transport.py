"""HTTP transport shared by every device client.

One injected `aiohttp.ClientSession` (Home Assistant's, so connection pooling and SSL settings
are the integration's), one auth scheme per device, a timeout on every request, and the single
place where network failures and HTTP statuses become `errors.py` types. Family clients add
their own wire-format error parser (`error_parser`) so a device's JSON error bodies are read
where its format is defined.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import aiohttp
from yarl import URL

from . import safejson
from .auth import DigestAuth, basic_authorization
from .errors import (
    AccessDeniedError,
    AuthError,
    CamHubError,
    ConnectError,
    DeviceError,
    DeviceTimeoutError,
    InvalidCredentialsError,
    InvalidHostError,
    ProtocolError,
)

DEFAULT_TIMEOUT = 10.0
MAX_BODY = 16 * 1024 * 1024

ErrorParser = Callable[[int, bytes], CamHubError | None]
"""Turn (HTTP status, body) into a typed error, or None when the body is not an error."""


class AuthMode(StrEnum):
    """How a device wants its credentials."""

    NONE = "none"
    BASIC = "basic"
    DIGEST = "digest"
    AUTO = "auto"  # Digest, falling back to Basic when the device only offers Basic
    BEARER = "bearer"


@dataclass(frozen=True, slots=True)
class Reply:
    """A whole (bounded) HTTP answer."""

    status: int
    content_type: str
    body: bytes

    def json(self) -> Any:
        """Decode the body as JSON (bounded, see safejson), or raise ProtocolError."""
        return safejson.loads(self.body)


_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def validate_host(host: str) -> str:
    """The host as a device address (a name, IPv4 or IPv6 literal), or InvalidHostError.

    The user types the host; it becomes the authority of every URL. Anything that is not
    purely a host (`http://evil`, `127.0.0.1/../`, `[::1`, `a@b`, a port, spaces, an empty
    string) would change the URL or make yarl raise a bare ValueError, so it is refused
    here with a type the flow can translate. An IPv6 literal is returned without brackets
    (`build_url` adds them).
    """
    text = host.strip()
    candidate = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        pass
    else:
        return str(address) if address.version == 4 else candidate.lower()
    name = candidate.rstrip(".")
    try:
        ascii_name = name.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_name = ""
    labels = ascii_name.split(".")
    if not 0 < len(ascii_name) <= 253 or not all(_HOST_LABEL.fullmatch(lbl) for lbl in labels):
        raise InvalidHostError(f"not a host name or IP address: {host[:100]!r}")
    return name


def build_url(host: str, port: int | None, ssl: bool) -> URL:
    """The device's base URL; an IPv6 literal is bracketed by yarl."""
    return URL.build(scheme="https" if ssl else "http", host=host, port=port)


def check_credentials(username: str, password: str, token: str, basic: bool) -> None:
    """Refuse credentials no HTTP header can carry, before they reach aiohttp.

    CR, LF and other control characters would split the header (aiohttp raises a bare
    ValueError); Basic cannot carry a `:` in the user name (RFC 7617: the first colon ends
    it). Both are the user's typing, so they are a credentials error, not a crash.
    """
    if any(_CONTROL.search(value) for value in (username, password, token)):
        raise InvalidCredentialsError("credentials contain a control character (CR, LF, ...)")
    if basic and ":" in username:
        raise InvalidCredentialsError("a user name for Basic authentication cannot contain ':'")


class Transport:
    """Requests to one device, with its auth, timeouts and error mapping."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: URL | str,
        *,
        auth: AuthMode = AuthMode.NONE,
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        error_parser: ErrorParser | None = None,
    ) -> None:
        """Keep the session (not owned: never closed here) and the device's auth."""
        self.session = session
        self.base_url = URL(base_url)
        self.timeout = timeout
        self._auth_mode = auth
        self._error_parser = error_parser
        self._username = username or ""
        self._password = password or ""
        self._token = token or ""
        self._digest: DigestAuth | None = None
        if auth in (AuthMode.DIGEST, AuthMode.AUTO):
            self._digest = DigestAuth(self._username, self._password)

    @property
    def auth_mode(self) -> AuthMode:
        """The scheme in use (AUTO becomes BASIC once the device asked for Basic)."""
        return self._auth_mode

    def url(self, path: str) -> URL:
        """The absolute URL of a path on the device."""
        return self.base_url.join(URL(path))

    def _request_kwargs(self) -> dict[str, Any]:
        if self._auth_mode is not AuthMode.NONE:
            is_basic = self._auth_mode is AuthMode.BASIC
            check_credentials(self._username, self._password, self._token, is_basic)
        kwargs: dict[str, Any] = {}
        if self._auth_mode is AuthMode.BASIC:
            basic = basic_authorization(self._username, self._password)
            kwargs["headers"] = {"Authorization": basic}
        elif self._digest is not None:
            kwargs["middlewares"] = (self._digest,)
        elif self._auth_mode is AuthMode.BEARER:
            kwargs["headers"] = {"Authorization": f"Bearer {self._token}"}
        return kwargs

    @asynccontextmanager
    async def open(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json_body: Any = None,
        data: Mapping[str, str] | None = None,
        client_timeout: aiohttp.ClientTimeout | None = None,
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """Open a request and yield the response once its status is known to be good.

        Auth negotiation (Digest, the Basic fallback) happens here; any failure leaves as a
        `CamHubError`. The caller reads the body inside the block.
        """
        timeout = client_timeout or aiohttp.ClientTimeout(total=self.timeout)
        try:
            for attempt in range(2):
                resp = await self.session.request(
                    method,
                    self.url(path),
                    params=params,
                    json=json_body,
                    data=data,
                    timeout=timeout,
                    allow_redirects=False,
                    **self._request_kwargs(),
                )
                try:
                    if attempt == 0 and self._should_fall_back_to_basic(resp):
                        continue
                    await self._raise_for_status(resp)
                    yield resp
                    return
                finally:
                    resp.release()
        except CamHubError:
            raise
        except TimeoutError as err:
            raise DeviceTimeoutError(f"{method} {path}: timed out") from err
        except aiohttp.ClientResponseError as err:  # e.g. malformed headers
            raise ProtocolError(f"{method} {path}: {err.message}") from err
        except (aiohttp.ClientError, OSError) as err:
            raise ConnectError(f"{method} {path}: {network_error(err)}") from err

    def _should_fall_back_to_basic(self, resp: aiohttp.ClientResponse) -> bool:
        """AUTO mode: a 401 that offers only Basic switches this transport to Basic for good."""
        if self._auth_mode is not AuthMode.AUTO or resp.status != 401:
            return False
        challenge = resp.headers.get("WWW-Authenticate", "")
        if not challenge.lower().startswith("basic"):
            return False
        self._auth_mode = AuthMode.BASIC
        self._digest = None
        return True

    async def _raise_for_status(self, resp: aiohttp.ClientResponse) -> None:
        if resp.status < 400:
            return
        body = await _read_limited(resp, 64 * 1024)
        if self._error_parser is not None:
            parsed = self._error_parser(resp.status, body)
            if parsed is not None:
                raise parsed
        if resp.status == 401:
            raise AuthError(f"HTTP 401 from {resp.url.path}")
        if resp.status == 403:
            raise AccessDeniedError(f"HTTP 403 from {resp.url.path}")
        text = body.decode("utf-8", "replace").strip()[:200]
        raise DeviceError(resp.status, text or (resp.reason or "HTTP error"))

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json_body: Any = None,
        data: Mapping[str, str] | None = None,
        max_body: int = MAX_BODY,
    ) -> Reply:
        """A whole request: status, content type and the (bounded) body."""
        async with self.open(method, path, params=params, json_body=json_body, data=data) as resp:
            try:
                body = await _read_limited(resp, max_body)
            except TimeoutError as err:
                raise DeviceTimeoutError(f"{method} {path}: timed out reading") from err
            except (aiohttp.ClientError, OSError) as err:
                raise ConnectError(f"{method} {path}: {network_error(err)}") from err
            return Reply(resp.status, resp.content_type, body)

    async def get_json(self, path: str, params: Mapping[str, str | int] | None = None) -> Any:
        """GET a JSON document."""
        return (await self.request("GET", path, params=params)).json()

    async def get_image(self, path: str, params: Mapping[str, str | int] | None = None) -> bytes:
        """GET an image; a JSON or text answer instead of an image is the device's error."""
        reply = await self.request("GET", path, params=params)
        if not reply.content_type.startswith("image/"):
            if self._error_parser is not None:
                parsed = self._error_parser(reply.status, reply.body)
                if parsed is not None:
                    raise parsed
            raise ProtocolError(f"expected an image from {path}, got {reply.content_type!r}")
        return reply.body


def network_error(err: BaseException) -> str:
    """A network failure in words, without the device's address.

    aiohttp's connector errors read "Cannot connect to host 10.0.0.5:80 ssl:default [...]";
    these messages end up in info-level log lines, which are shared in bug reports. The
    entry's name already says which device it is.
    """
    if isinstance(err, aiohttp.ClientConnectorError):
        code = err.os_error.errno
        return f"cannot connect ({os.strerror(code) if code else type(err.os_error).__name__})"
    if isinstance(err, OSError) and err.errno:
        return os.strerror(err.errno)
    return str(err) or type(err).__name__


async def _read_limited(resp: aiohttp.ClientResponse, limit: int) -> bytes:
    """Read a body, refusing one larger than `limit` instead of allocating it."""
    if resp.content_length is not None and resp.content_length > limit:
        raise ProtocolError(f"body of {resp.content_length} bytes exceeds {limit}")
    chunks = bytearray()
    async for chunk in resp.content.iter_any():
        chunks += chunk
        if len(chunks) > limit:
            raise ProtocolError(f"body exceeds {limit} bytes")
    return bytes(chunks)


def stream_timeout(
    connect: float = DEFAULT_TIMEOUT, read: float = DEFAULT_TIMEOUT
) -> aiohttp.ClientTimeout:
    """Timeout for long-lived streams: no total limit, but a stalled read is an error."""
    return aiohttp.ClientTimeout(total=None, connect=connect, sock_read=read)
