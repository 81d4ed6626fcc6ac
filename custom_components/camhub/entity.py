"""Base entity: device link, unique id and availability from the coordinator."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .coordinator import CamHubCoordinator


class CamHubEntity(CoordinatorEntity[CamHubCoordinator]):
    """An entity of one device of a CamHub entry.

    `unique_id` is `<device id>_<key>`: device ids are serials, mxids or UUIDs, stable across
    IP changes and reinstalls. Names come from translation keys (`has_entity_name`).
    """

    _attr_has_entity_name = True

    def __init__(self, coordinator: CamHubCoordinator, device_id: str, key: str) -> None:
        """Attach to the device `device_id` of this entry's state."""
        super().__init__(coordinator)
        self.device_id = device_id
        self._attr_unique_id = f"{device_id}_{key}"
        infos = coordinator.family.device_infos(coordinator.data)
        self._attr_device_info = infos.get(device_id, DeviceInfo())

    @property
    def available(self) -> bool:
        """Unavailable when the last update failed or the device left the state."""
        return super().available and self.device_id in self.coordinator.family.device_infos(
            self.coordinator.data
        )
