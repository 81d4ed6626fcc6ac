"""Image platform: pictures a family holds in its state (the visitor at the last ring).

Unlike a camera, an image entity shows one picture that changes when something happens; its
state is the moment the picture shows (`StillImage.taken_at`), so an automation can trigger
on a new picture. The bytes come from the state, never from a request at view time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.image import ImageEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import CamHubConfigEntry
from .descriptions import CamHubImageDescription, PlacedEntity, StillImage
from .entity import CamHubDescribedEntity, async_setup_dynamic

if TYPE_CHECKING:
    from .families.base import FamilyHost

PARALLEL_UPDATES = 0  # pushed, nothing to write


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CamHubConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add image entities as the family's state offers them."""
    async_setup_dynamic(entry, CamHubImageDescription, CamHubImage, async_add_entities)


class CamHubImage(CamHubDescribedEntity, ImageEntity):
    """An image entity showing its description's picture from the state."""

    entity_description: CamHubImageDescription[Any]
    _attr_content_type = "image/jpeg"

    def __init__(self, host: FamilyHost[Any, Any], placed: PlacedEntity[Any]) -> None:
        """Bind the description; the image entity's own set-up (access tokens) too."""
        CamHubDescribedEntity.__init__(self, host, placed)
        ImageEntity.__init__(self, host.hass)
        self._sync_moment()

    def _picture(self) -> StillImage | None:
        return self.entity_description.image_fn(self.state_data, self.item)

    @callback
    def _sync_moment(self) -> None:
        """The state (the picture's moment) follows the picture in the family's state."""
        picture = self._picture()
        taken_at = None if picture is None else picture.taken_at
        if taken_at != self.image_last_updated:
            self._attr_image_last_updated = taken_at
            self.async_update_token()  # a new picture: browsers must not show the cached one

    @callback
    def _on_state(self) -> None:
        self._sync_moment()

    async def async_image(self) -> bytes | None:
        """The picture's bytes, from the state."""
        picture = self._picture()
        return None if picture is None else picture.jpeg
