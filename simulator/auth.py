"""Server-side HTTP authentication for simulated devices: Digest (RFC 7616) and Basic.

Real cameras protect their APIs with Digest (MD5, qop="auth") or, on some firmware, Basic.
The simulator speaks the real challenge/response protocol rather than accepting anything, and
checks the Digest `uri` field byte for byte against the raw request target as Axis firmware
does (RFC 7616 section 3.4), so auth bugs (a decoded URI in the hash, a lost nonce, no retry
after 401) show up in tests.

Credentials are read at check time, so a test can change a device's password mid-run.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import time
from collections import OrderedDict
from typing import Literal, Protocol

from aiohttp import web

type AuthScheme = Literal["digest", "basic"]

NONCE_LIFETIME = 600.0  # seconds; older nonces get a challenge with stale=true
_MAX_NONCES = 1024
_PARAM_RE = re.compile(r'\s*([\w-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^\s,]*)\s*,?')


class Authenticator(Protocol):
    """What a device needs from an auth scheme."""

    scheme: AuthScheme

    def check(self, request: web.Request, username: str, password: str) -> bool:
        """True if the request carries valid credentials for username/password."""

    def challenge(self) -> str:
        """A WWW-Authenticate header value for a 401 answer."""


def make_authenticator(scheme: AuthScheme, realm: str) -> Authenticator:
    """The authenticator for `scheme` ("digest" or "basic")."""
    if scheme == "digest":
        return DigestAuth(realm)
    if scheme == "basic":
        return BasicAuth(realm)
    raise ValueError(f"unknown auth scheme {scheme!r}")


class BasicAuth:
    """RFC 7617 Basic."""

    scheme: AuthScheme = "basic"

    def __init__(self, realm: str) -> None:
        self.realm = realm

    def check(self, request: web.Request, username: str, password: str) -> bool:
        """Compare the decoded user:password with the expected pair in constant time."""
        header = request.headers.get("Authorization", "")
        kind, _, value = header.partition(" ")
        if kind.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        return hmac.compare_digest(decoded.encode(), f"{username}:{password}".encode())

    def challenge(self) -> str:
        """Basic challenge with the device's realm."""
        return f'Basic realm="{self.realm}", charset="UTF-8"'


def parse_auth_params(value: str) -> dict[str, str]:
    """Parse the `k=v, k="quoted"` pairs of an Authorization header (scheme removed)."""
    params: dict[str, str] = {}
    pos = 0
    while pos < len(value):
        match = _PARAM_RE.match(value, pos)
        if not match or match.end() == pos:
            break
        raw = match[3] if match[3] is not None else match[2]
        params[match[1].lower()] = re.sub(r"\\(.)", r"\1", raw) if match[3] is not None else raw
        pos = match.end()
    return params


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


class DigestAuth:
    """RFC 7616 Digest with MD5 and qop="auth" (RFC 2069 answers without qop accepted too).

    Nonces are random, remembered for NONCE_LIFETIME and may be reused with any nonce count,
    which is what `aiohttp.DigestAuthMiddleware` does for follow-up requests.
    """

    scheme: AuthScheme = "digest"

    def __init__(self, realm: str) -> None:
        self.realm = realm
        self.opaque = secrets.token_hex(16)
        self._nonces: OrderedDict[str, float] = OrderedDict()
        self._stale = False

    def challenge(self) -> str:
        """A fresh nonce in a Digest challenge (stale=true if the last nonce had expired)."""
        nonce = secrets.token_hex(16)
        self._nonces[nonce] = time.monotonic()
        while len(self._nonces) > _MAX_NONCES:
            self._nonces.popitem(last=False)
        stale = ", stale=true" if self._stale else ""
        self._stale = False
        return (
            f'Digest realm="{self.realm}", qop="auth", algorithm=MD5, '
            f'nonce="{nonce}", opaque="{self.opaque}"{stale}'
        )

    def check(self, request: web.Request, username: str, password: str) -> bool:
        """Verify the response hash against the expected credentials."""
        kind, _, value = request.headers.get("Authorization", "").partition(" ")
        if kind.lower() != "digest":
            return False
        p = parse_auth_params(value)
        nonce = p.get("nonce", "")
        issued = self._nonces.get(nonce)
        expected = self._expected(request, p, username, password)
        if issued is None or expected is None:
            return False
        if not hmac.compare_digest(expected, p.get("response", "").lower()):
            return False
        if time.monotonic() - issued > NONCE_LIFETIME:
            del self._nonces[nonce]
            self._stale = True  # right password, old nonce: tell the client to just retry
            return False
        return True

    def _expected(
        self, request: web.Request, p: dict[str, str], username: str, password: str
    ) -> str | None:
        """The response hash the client should have sent; None if the fields are unusable."""
        uri = p.get("uri", "")
        if (
            p.get("username") != username
            or p.get("realm") != self.realm
            or p.get("opaque", self.opaque) != self.opaque
            or p.get("algorithm", "MD5").upper() != "MD5"
            or uri != request.raw_path  # the raw target, query included, as sent
        ):
            return None
        ha1 = _md5(f"{username}:{self.realm}:{password}")
        ha2 = _md5(f"{request.method}:{uri}")
        nonce, qop = p.get("nonce", ""), p.get("qop")
        if qop is None:  # RFC 2069
            return _md5(f"{ha1}:{nonce}:{ha2}")
        if qop == "auth" and "nc" in p and "cnonce" in p:
            return _md5(f"{ha1}:{nonce}:{p['nc']}:{p['cnonce']}:{qop}:{ha2}")
        return None
