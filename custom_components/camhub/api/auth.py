"""HTTP authentication for every device: Basic, and Digest signed over the raw request target.

Why our own Digest: RFC 7616 (section 3.4) says the `uri` field is the request target exactly as
sent, and Axis and 2N firmware compare it byte for byte. aiohttp's `DigestAuthMiddleware` signs
a decoded form of the target, so a query holding `"`, `&` in a value, `%2F` or non-ASCII text
(an overlay's ticker text, a stream's JSON schedule, a media-server URL) is answered 401. Built
only on aiohttp's public client-middleware API (`ClientRequest`, `ClientHandlerType`), so it does
not break when aiohttp reworks its own middleware. The same signer answers the challenge of a
WebSocket upgrade, which takes no middleware.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp
from aiohttp import hdrs

from .errors import ProtocolError

_PARAM = re.compile(r'([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))')
_UNESCAPE = re.compile(r"\\(.)")

_HASHES: dict[str, Callable[[bytes], str]] = {
    "MD5": lambda data: hashlib.md5(data, usedforsecurity=False).hexdigest(),
    "SHA-256": lambda data: hashlib.sha256(data).hexdigest(),
}


def basic_authorization(username: str, password: str) -> str:
    """The `Authorization` value for Basic (UTF-8, RFC 7617)."""
    return aiohttp.encode_basic_auth(username, password)


@dataclass(frozen=True, slots=True)
class DigestChallenge:
    """The fields of one `WWW-Authenticate: Digest ...` challenge that the answer needs."""

    realm: str
    nonce: str
    opaque: str | None
    algorithm: str
    qop: str | None
    stale: bool

    @classmethod
    def parse(cls, header: str) -> DigestChallenge:
        """Read a Digest challenge; ProtocolError for one this client cannot answer."""
        scheme, _, rest = header.strip().partition(" ")
        if scheme.lower() != "digest":
            raise ProtocolError(f"not a Digest challenge: {header[:100]!r}")
        params = {
            m[1].lower(): _UNESCAPE.sub(r"\1", m[2]) if m[2] is not None else m[3]
            for m in _PARAM.finditer(rest)
        }
        realm, nonce = params.get("realm"), params.get("nonce")
        algorithm = params.get("algorithm", "MD5").upper()
        if realm is None or not nonce or algorithm.removesuffix("-SESS") not in _HASHES:
            raise ProtocolError(f"unusable Digest challenge: {header[:100]!r}")
        qops = [q.strip().lower() for q in params.get("qop", "").split(",") if q.strip()]
        if qops and "auth" not in qops:  # auth-int would need the body hashed
            raise ProtocolError(f"unsupported Digest qop {params['qop']!r}")
        return cls(
            realm=realm,
            nonce=nonce,
            opaque=params.get("opaque"),
            algorithm=algorithm,
            qop="auth" if qops else None,
            stale=params.get("stale", "").lower() == "true",
        )

    @classmethod
    def from_response(cls, resp: aiohttp.ClientResponse) -> DigestChallenge | None:
        """The Digest challenge of a 401, or None if the device offers none we can answer."""
        for header in resp.headers.getall(hdrs.WWW_AUTHENTICATE, ()):
            if header.strip().lower().startswith("digest"):
                try:
                    return cls.parse(header)
                except ProtocolError:
                    return None
        return None


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class DigestAuth:
    """Digest credentials and the device's last challenge; an aiohttp client middleware.

    After the first challenge every request is signed up front (one round trip, as a browser
    does); a 401 with a new challenge (a restarted device, an expired nonce) is answered once.
    """

    def __init__(self, username: str, password: str) -> None:
        """Keep the credentials; no challenge is known until the device sends one."""
        self.username = username
        self._password = password
        self._challenge: DigestChallenge | None = None
        self._nonce_count = 0

    def authorization(self, challenge: DigestChallenge, method: str, target: str) -> str:
        """The `Authorization` value answering `challenge` for `method` on the raw `target`."""
        if challenge != self._challenge:
            self._challenge, self._nonce_count = challenge, 0
        self._nonce_count += 1
        digest = _HASHES[challenge.algorithm.removesuffix("-SESS")]

        def h(text: str) -> str:
            return digest(text.encode())

        cnonce, nc = secrets.token_hex(8), f"{self._nonce_count:08x}"
        ha1 = h(f"{self.username}:{challenge.realm}:{self._password}")
        if challenge.algorithm.endswith("-SESS"):
            ha1 = h(f"{ha1}:{challenge.nonce}:{cnonce}")
        ha2 = h(f"{method}:{target}")
        fields = {
            "username": _quoted(self.username),
            "realm": _quoted(challenge.realm),
            "nonce": _quoted(challenge.nonce),
            "uri": _quoted(target),
            "algorithm": challenge.algorithm,
        }
        if challenge.qop is None:  # RFC 2069
            fields["response"] = _quoted(h(f"{ha1}:{challenge.nonce}:{ha2}"))
        else:
            response = h(f"{ha1}:{challenge.nonce}:{nc}:{cnonce}:auth:{ha2}")
            fields.update(response=_quoted(response), qop="auth", nc=nc, cnonce=_quoted(cnonce))
        if challenge.opaque is not None:
            fields["opaque"] = _quoted(challenge.opaque)
        return "Digest " + ", ".join(f"{key}={value}" for key, value in fields.items())

    async def __call__(
        self, request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        """Sign with the known challenge; answer a new one once."""
        target = request.url.raw_path_qs
        if self._challenge is not None:
            request.headers[hdrs.AUTHORIZATION] = self.authorization(
                self._challenge, request.method, target
            )
        response = await handler(request)
        if response.status != 401:
            return response
        challenge = DigestChallenge.from_response(response)
        if challenge is None:
            return response
        response.release()
        request.headers[hdrs.AUTHORIZATION] = self.authorization(challenge, request.method, target)
        return await handler(request)
