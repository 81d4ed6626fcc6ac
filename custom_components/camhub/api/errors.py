"""Typed errors raised by the device clients.

Every failure a device or the network can produce is mapped to one of these in one place
(`transport.py`), so the integration decides what to do by type: `AuthError` starts reauth,
`ConnectError` makes entities unavailable, `DeviceError` carries the device's own code and
message into a translated exception.
"""

from __future__ import annotations


class CamHubError(Exception):
    """Base class: something went wrong talking to a device.

    `translation_key` names the message in strings.json (`exceptions` section) that the
    integration shows for this error.
    """

    translation_key = "communication_error"


class ConnectError(CamHubError):
    """The device could not be reached, or the connection broke."""

    translation_key = "cannot_connect"


class DeviceTimeoutError(ConnectError):
    """The device did not answer in time."""

    translation_key = "timeout"


class AuthError(CamHubError):
    """The credentials were refused (HTTP 401, 2N code 9, ...)."""

    translation_key = "invalid_auth"


class InvalidCredentialsError(AuthError):
    """Credentials that no request can carry (a ':' in a Basic user name, CR-LF, ...)."""

    translation_key = "invalid_credentials"


class AccessDeniedError(AuthError):
    """The credentials are valid but lack a privilege the request needs (2N code 10, HTTP 403)."""

    translation_key = "insufficient_privileges"


class ProtocolError(CamHubError):
    """The device answered something that does not follow its protocol (bad JSON, bad MJPEG)."""

    translation_key = "protocol_error"


class DeviceError(CamHubError):
    """The device reported an error of its own, with a code and a description."""

    translation_key = "device_error"

    def __init__(self, code: int | str, description: str = "", param: str | None = None) -> None:
        """Keep the device's code, description and offending parameter for logs and messages."""
        self.code = code
        self.description = description
        self.param = param
        detail = f"{description} ({param})" if param else description
        super().__init__(f"device error {code}: {detail}".rstrip(": "))


class InvalidHostError(CamHubError):
    """The configured host is not a host name or IP address (a URL, a path, `[::1`, empty)."""

    translation_key = "invalid_host"
