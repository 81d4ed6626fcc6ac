"""Config flow: one user step for every family, then credentials where the family needs them.

The host is recognised by asking every family's `probe` at once (each asks its own identity
endpoint, without credentials); the first that recognises it wins. Unique ids are serials or
equivalent, so the same device cannot be added twice, and discovery of a configured device
updates its host (Axis's model: an IP change follows the device).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
from collections.abc import Mapping
from typing import Any

import aiohttp
import probatio
from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
)
from homeassistant.const import (
    CONF_HOST,
    CONF_PORT,
    CONF_SSL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import callback
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import selector
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.device_registry import format_mac
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
from homeassistant.helpers.typing import DiscoveryInfoType

from .api.errors import (
    CamHubError,
    ConnectError,
    InvalidHostError,
)
from .api.transport import validate_host
from .const import (
    CONF_FAMILY,
    CONF_MAC,
    DOMAIN,
)
from .errors import form_error_key
from .families import FAMILIES
from .families.base import FamilyFlow, Identity, entry_url
from .options_flow import CamHubOptionsFlow

_LOGGER = logging.getLogger(__name__)

CONNECTION_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_HOST): selector.TextSelector(),
        probatio.Optional(CONF_PORT): probatio.All(
            selector.NumberSelector(
                selector.NumberSelectorConfig(
                    min=1, max=65535, mode=selector.NumberSelectorMode.BOX
                )
            ),
            probatio.Coerce(int),
        ),
        probatio.Required(CONF_SSL, default=False): selector.BooleanSelector(),
        probatio.Required(CONF_VERIFY_SSL, default=True): selector.BooleanSelector(),
    }
)


def _connection(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """The connection fields as entry data; InvalidHostError for anything but a host."""
    data = {
        CONF_HOST: validate_host(str(user_input[CONF_HOST])),
        CONF_SSL: bool(user_input.get(CONF_SSL, False)),
        CONF_VERIFY_SSL: bool(user_input.get(CONF_VERIFY_SSL, True)),
    }
    if user_input.get(CONF_PORT):
        data[CONF_PORT] = int(user_input[CONF_PORT])
    return data


def _host_port(host: str, port: int | None) -> dict[str, Any]:
    """The address to probe a discovered device at: the host, and the port when announced."""
    return {CONF_HOST: host, **({CONF_PORT: int(port)} if port else {})}


async def _probe(
    family: FamilyFlow[Any], session: aiohttp.ClientSession, data: dict[str, Any]
) -> tuple[Identity | None, dict[str, Any]]:
    """Probe one family; HTTPS first where its devices usually only speak HTTPS (AIPIX).

    Only when the user left both the port and the HTTPS box alone: the form cannot default
    HTTPS for one family, and an HTTPS-only server does not answer on port 80.
    """
    if family.prefers_https and not data[CONF_SSL] and CONF_PORT not in data:
        secure = {**data, CONF_SSL: True}
        with contextlib.suppress(ConnectError):
            return await family.probe(session, entry_url(family, secure)), secure
    return await family.probe(session, entry_url(family, data)), data


async def _addresses(host: str) -> set[str]:
    """The IP addresses a host name stands for (itself, for an address or a name not found).

    Entries of servers without an id are told apart by address: the same controller added
    once by IP and once by host name must be recognised as one.
    """
    with contextlib.suppress(ValueError):
        return {str(ipaddress.ip_address(host))}
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None)
    except OSError:
        return {host.lower()}
    return {str(info[4][0]) for info in infos} or {host.lower()}


async def _same_address(
    family: FamilyFlow[Any], data: Mapping[str, Any], other: Mapping[str, Any]
) -> bool:
    """Whether two entries' data reach the same server (host resolved, port with defaults)."""
    url, other_url = entry_url(family, data), entry_url(family, other)
    if url.port != other_url.port:
        return False
    if url.host == other_url.host:
        return True
    return bool(await _addresses(url.host or "") & await _addresses(other_url.host or ""))


class CamHubConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a camera, intercom or server of any supported family."""

    VERSION = 2
    """2: servers without an id of their own (Robopipe, Camera Remote, AIPIX) have no entry
    unique id and their own device is identified by the entry id (1: by `host:port`)."""

    def __init__(self) -> None:
        """Nothing is known until the host answers."""
        self._data: dict[str, Any] = {}
        self._family: FamilyFlow[Any] | None = None
        self._identity: Identity | None = None
        self._local_devices: list[str] | None = None

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> CamHubOptionsFlow:
        """Options: the family's own plus the shared snapshot age."""
        return CamHubOptionsFlow()

    async def _async_detect(
        self, data: dict[str, Any], only: str | None = None
    ) -> tuple[FamilyFlow[Any], Identity, dict[str, Any]] | None:
        """Ask every family at once, or `only` the one a discovery names.

        Raises ConnectError if nothing answered at all. Returns the family, the device's
        identity and the connection that reached it.
        """
        session = async_get_clientsession(self.hass, verify_ssl=data[CONF_VERIFY_SSL])
        families = [FAMILIES[only]] if only else list(FAMILIES.values())
        results = await asyncio.gather(
            *(_probe(family, session, data) for family in families),
            return_exceptions=True,
        )
        reached = False
        for family, result in zip(families, results, strict=True):
            if isinstance(result, tuple) and result[0] is not None:
                return family, result[0], result[1]
            if isinstance(result, BaseException) and not isinstance(result, ConnectError):
                _LOGGER.debug("Probe of %s as %s failed: %r", data[CONF_HOST], family.key, result)
            reached = reached or not isinstance(result, ConnectError)
        if not reached:
            raise ConnectError(f"nothing answered at {data[CONF_HOST]}")
        return None

    async def _async_validate(
        self, family: FamilyFlow[Any], data: Mapping[str, Any]
    ) -> tuple[Identity | None, dict[str, str]]:
        session = async_get_clientsession(self.hass, verify_ssl=data[CONF_VERIFY_SSL])
        try:
            return await family.validate(family.create_client(session, data)), {}
        except CamHubError as err:
            _LOGGER.debug("Validation of %s failed: %r", data[CONF_HOST], err)
            return None, {"base": form_error_key(err)}

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the host; recognise what answers there."""
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                found = await self._async_detect(_connection(user_input))
            except InvalidHostError:
                errors[CONF_HOST] = "invalid_host"  # not "not supported": nothing was asked
            except ConnectError:
                errors["base"] = "cannot_connect"
            else:
                if found is None:
                    errors["base"] = "not_supported"
                else:
                    return await self._async_found(*found)
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(CONNECTION_SCHEMA, user_input),
            errors=errors,
        )

    async def _async_abort_if_configured(
        self,
        family: FamilyFlow[Any],
        identity: Identity,
        data: Mapping[str, Any],
        updates: dict[str, Any],
    ) -> None:
        """Abort for a device already configured: by unique id, or by address without one.

        A configured device with a unique id gets `updates` (its new address); one without
        is only recognised where it already is.
        """
        if identity.unique_id is not None:
            await self.async_set_unique_id(identity.unique_id)
            self._abort_if_unique_id_configured(updates=updates)
            return
        for entry in self._async_current_entries(include_ignore=False):
            if entry.data.get(CONF_FAMILY) == family.key and await _same_address(
                family, data, entry.data
            ):
                raise AbortFlow("already_configured")

    async def _async_found(
        self, family: FamilyFlow[Any], identity: Identity, data: dict[str, Any]
    ) -> ConfigFlowResult:
        await self._async_abort_if_configured(family, identity, data, data)
        self._family, self._identity = family, identity
        self._data = {**data, CONF_FAMILY: family.key}
        if identity.mac:
            self._data[CONF_MAC] = format_mac(identity.mac)
        self.context["title_placeholders"] = {"name": identity.title}
        if family.needs_auth:
            return await self.async_step_credentials()
        return await self._async_finish(identity, self._data)

    async def _async_finish(self, identity: Identity, data: dict[str, Any]) -> ConfigFlowResult:
        """Create the entry, after the family's extra step if it has one."""
        assert self._family is not None
        self._identity, self._data = identity, data
        session = async_get_clientsession(self.hass, verify_ssl=data[CONF_VERIFY_SSL])
        client = self._family.create_client(session, data)
        if self._local_devices is None:
            self._local_devices = await self._family.async_local_devices(self.hass, client)
            if self._local_devices is not None:
                return await self.async_step_local_devices()
        if await self._family.extra_step_schema(client, data) is None:
            return self.async_create_entry(title=identity.title, data=data)
        return await self.async_step_extra()

    async def async_step_local_devices(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the family's devices visible from this host (OAK: depthai), then go on."""
        assert self._identity is not None and self._local_devices is not None
        if user_input is not None:
            return await self._async_finish(self._identity, self._data)
        return self.async_show_form(
            step_id="local_devices",
            description_placeholders={
                "name": self._identity.title,
                "devices": "\n".join(f"- {line}" for line in self._local_devices) or "-",
            },
        )

    async def async_step_extra(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The family's own step after the login (AIPIX: which cameras to add)."""
        assert self._family is not None and self._identity is not None
        session = async_get_clientsession(self.hass, verify_ssl=self._data[CONF_VERIFY_SSL])
        client = self._family.create_client(session, self._data)
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                options, errors = await self._family.async_extra_step(client, user_input)
            except CamHubError as err:
                _LOGGER.debug("Extra step for %s failed: %r", self._data[CONF_HOST], err)
                options, errors = {}, {"base": form_error_key(err)}
            if not errors:
                return self.async_create_entry(
                    title=self._identity.title, data=self._data, options=options
                )
        schema = await self._family.extra_step_schema(client, self._data)
        assert schema is not None
        return self.async_show_form(
            step_id="extra",
            data_schema=self.add_suggested_values_to_schema(schema, user_input),
            errors=errors,
            description_placeholders={"name": self._identity.title, "family": self._family.name},
        )

    async def async_step_credentials(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the login and verify it with a request that needs it."""
        assert self._family is not None and self._identity is not None
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**self._data, **user_input}
            identity, errors = await self._async_validate(self._family, data)
            if identity is not None:
                return await self._async_finish(identity, data)
        return self.async_show_form(
            step_id="credentials",
            data_schema=self.add_suggested_values_to_schema(
                self._family.credentials_schema, user_input
            ),
            errors=errors,
            description_placeholders={"name": self._identity.title, "family": self._family.name},
        )

    async def async_step_dhcp(self, discovery_info: DhcpServiceInfo) -> ConfigFlowResult:
        """A device with a known vendor MAC prefix got an address."""
        return await self._async_discovered(
            discovery_info.ip, None, discovery_info.macaddress, only="intercom_2n"
        )

    async def async_step_zeroconf(self, discovery_info: ZeroconfServiceInfo) -> ConfigFlowResult:
        """A device announced itself by mDNS (Axis: `_axis-video._tcp` with a `macaddress`)."""
        if discovery_info.ip_address.is_link_local:
            return self.async_abort(reason="link_local_address")
        mac = discovery_info.properties.get("macaddress")
        return await self._async_discovered(
            str(discovery_info.ip_address),
            discovery_info.port,
            str(mac) if mac else None,
            only="camstreamer",
        )

    async def async_step_integration_discovery(
        self, discovery_info: DiscoveryInfoType
    ) -> ConfigFlowResult:
        """Another configured device listed this one (CamScripter's network camera list)."""
        host, port = str(discovery_info[CONF_HOST]), discovery_info.get(CONF_PORT)
        if serial := discovery_info.get("serial"):
            await self.async_set_unique_id(str(serial))
            self._abort_if_unique_id_configured(updates={CONF_HOST: host})
        return await self._async_discovered(host, port, None)

    async def _async_discovered(
        self, host: str, port: int | None, raw_mac: str | None, only: str | None = None
    ) -> ConfigFlowResult:
        """Follow a configured device to its new address, or offer a new one for set-up.

        A configured entry gets only the new host, as core axis does: the announced port is
        the device's HTTP port, and copying it would turn an HTTPS entry on 443 into HTTPS
        on port 80. The port is used to probe a device that is not configured yet.
        """
        mac = format_mac(raw_mac) if raw_mac else None
        updates = {CONF_HOST: host}
        for entry in self._async_current_entries(include_ignore=False):
            if mac and entry.data.get(CONF_MAC) == mac and entry.unique_id:
                await self.async_set_unique_id(entry.unique_id)
                self._abort_if_unique_id_configured(updates=updates)
        if mac:
            # Before any probe: the announced MAC is an Axis camera's serial, and a device
            # announcing itself again while its flow is open is `already_in_progress`.
            await self.async_set_unique_id(mac.replace(":", "").upper())
            self._abort_if_unique_id_configured(updates=updates)
        try:
            found = await self._async_detect(_connection(_host_port(host, port)), only)
        except InvalidHostError:
            return self.async_abort(reason="invalid_host")  # a device listed garbage
        except ConnectError:
            return self.async_abort(reason="cannot_connect")
        if found is None:
            return self.async_abort(reason="not_supported")
        family, identity, data = found
        await self._async_abort_if_configured(family, identity, data, updates)
        self._family, self._identity = family, identity
        self._data = {**data, CONF_FAMILY: family.key}
        if mac or identity.mac:
            self._data[CONF_MAC] = mac or format_mac(str(identity.mac))
        self.context["title_placeholders"] = {"name": identity.title}
        return await self.async_step_discovery_confirm()

    async def async_step_discovery_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Let the user confirm a discovered device before asking for its login."""
        assert self._family is not None and self._identity is not None
        if user_input is not None:
            if self._family.needs_auth:
                return await self.async_step_credentials()
            return await self._async_finish(self._identity, self._data)
        self._set_confirm_only()
        return self.async_show_form(
            step_id="discovery_confirm",
            description_placeholders={
                "name": self._identity.title,
                "host": self._data[CONF_HOST],
                "family": self._family.name,
            },
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The device refused the stored login several times in a row."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new login for the same device."""
        entry = self._get_reauth_entry()
        family = FAMILIES[entry.data[CONF_FAMILY]]
        errors: dict[str, str] = {}
        if user_input is not None:
            identity, errors = await self._async_validate(family, {**entry.data, **user_input})
            if identity is not None:
                if identity.unique_id is not None:
                    await self.async_set_unique_id(identity.unique_id)
                    self._abort_if_unique_id_mismatch(reason="wrong_device")
                return self.async_update_reload_and_abort(entry, data_updates=user_input)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=self.add_suggested_values_to_schema(
                family.credentials_schema,
                user_input or {CONF_USERNAME: entry.data.get(CONF_USERNAME)},
            ),
            errors=errors,
            description_placeholders={"name": entry.title},
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the host, port or TLS settings of an entry; it must stay the same device."""
        entry = self._get_reconfigure_entry()
        family = FAMILIES[entry.data[CONF_FAMILY]]
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                updates = _connection(user_input)
            except InvalidHostError:
                updates, errors = {}, {CONF_HOST: "invalid_host"}
            data = {k: v for k, v in entry.data.items() if k != CONF_PORT} | updates
            identity = None
            if not errors:
                identity, errors = await self._async_validate(family, data)
            if identity is not None:
                await self._async_check_same_device(family, entry, identity, data)
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                CONNECTION_SCHEMA, user_input or dict(entry.data)
            ),
            errors=errors,
        )

    async def _async_check_same_device(
        self,
        family: FamilyFlow[Any],
        entry: ConfigEntry,
        identity: Identity,
        data: Mapping[str, Any],
    ) -> None:
        """A reconfigure must reach the entry's device: abort `wrong_device` otherwise.

        By unique id where the device has one. A server without one must still reach the
        devices the entry has (an OAK camera, a Sony camera), and its new address must not be
        another entry's.
        """
        if identity.unique_id is not None:
            await self.async_set_unique_id(identity.unique_id)
            self._abort_if_unique_id_mismatch(reason="wrong_device")
            return
        known = {
            identifier
            for device in dr.async_entries_for_config_entry(dr.async_get(self.hass), entry.entry_id)
            for domain, identifier in device.identifiers
            if domain == DOMAIN and identifier != entry.entry_id
        }
        if known and identity.devices and not known & identity.devices:
            raise AbortFlow("wrong_device")
        for other in self._async_current_entries(include_ignore=False):
            if (
                other.entry_id != entry.entry_id
                and other.data.get(CONF_FAMILY) == family.key
                and await _same_address(family, data, other.data)
            ):
                raise AbortFlow("already_configured")
