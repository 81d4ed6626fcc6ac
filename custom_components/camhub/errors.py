"""The one place CamHub turns failures into the translated errors users see.

Bad input (from an action, a form, a value the device would refuse) is a
`ServiceValidationError`; a device that failed is a `HomeAssistantError`. Both carry a
translation key of strings.json's `exceptions`, never an English sentence.
"""

from __future__ import annotations

from collections.abc import Awaitable

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api.errors import (
    AccessDeniedError,
    AuthError,
    CamHubError,
    ConnectError,
    InvalidCredentialsError,
)
from .const import DOMAIN


def validation_error(key: str, **placeholders: str) -> ServiceValidationError:
    """Input CamHub refuses before asking any device: `key` names the reason."""
    return ServiceValidationError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def translated_error(err: CamHubError) -> HomeAssistantError:
    """A device failure as the user-facing, translated error of an action or request."""
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=err.translation_key,
        translation_placeholders={"error": str(err)},
    )


def invalid_value(err: ValueError) -> ServiceValidationError:
    """A value the device would refuse, caught before any request."""
    return validation_error("invalid_value", error=str(err))


def form_error_key(err: CamHubError) -> str:
    """A device failure as the key of a config or options form error (strings.json)."""
    if isinstance(err, InvalidCredentialsError):
        return "invalid_credentials"
    if isinstance(err, AccessDeniedError):
        return "insufficient_privileges"
    if isinstance(err, AuthError):
        return "invalid_auth"
    if isinstance(err, ConnectError):
        return "cannot_connect"
    return "device_error"


async def device_call[T](request: Awaitable[T]) -> T:
    """Await a device request, its failures translated (`ValueError` is bad input)."""
    try:
        return await request
    except ValueError as err:
        raise invalid_value(err) from err
    except CamHubError as err:
        raise translated_error(err) from err
