"""Actions that write files (snapshot_history, capture_still) never write outside the allowlist.

Before `files.py`, a dangling symlink inside an allowed folder let both actions write wherever
it pointed (the allowlist check looked at the parent of a file that did not exist yet), and
names with NUL, 300+ characters or naming a folder answered HTTP 500 after the device had
already been asked. Every case here is refused with a translated error before any device
request, and the link's target is never created.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.camhub import files
from custom_components.camhub.const import DOMAIN
from simulator import Intercom2N, OakController

from .conftest import OAK_PRO

INTERNAL = "camera.front_door_internal_camera"
OAK_CAM_A = "camera.oak_d_pro_cam_a"
HISTORY = "/api/camera/snapshot"
STILL = f"/cameras/{OAK_PRO}/streams/CAM_A/still"

Write = Callable[[str], Awaitable[None]]


@pytest.fixture(params=["snapshot_history", "capture_still"])
async def write(
    request: pytest.FixtureRequest,
    hass: HomeAssistant,
    intercom: Intercom2N,
    oak: OakController,
    tmp_path: Path,
) -> tuple[Write, Callable[[], int]]:
    """The action under test and a counter of the device requests it made."""
    from .conftest import intercom_data, load_entry, setup_oak_entry

    hass.config.allowlist_external_dirs = {str(tmp_path / "allowed")}
    (tmp_path / "allowed").mkdir()
    if request.param == "snapshot_history":
        await load_entry(hass, "Front door", intercom.serial, intercom_data(intercom), {})

        async def history(filename: str) -> None:
            await hass.services.async_call(
                DOMAIN,
                "snapshot_history",
                {"entity_id": INTERNAL, "seconds_ago": 1, "filename": filename},
                blocking=True,
            )

        return history, lambda: intercom.stats.requests[HISTORY]
    entry: MockConfigEntry = await setup_oak_entry(hass, oak)
    assert entry.state.name == "LOADED"

    async def still(filename: str) -> None:
        await hass.services.async_call(
            DOMAIN, "capture_still", {"entity_id": OAK_CAM_A, "filename": filename}, blocking=True
        )

    return still, lambda: oak.stats.requests[STILL]


async def refused(action: Write, filename: str) -> str:
    with pytest.raises(ServiceValidationError) as err:
        await action(filename)
    assert err.value.translation_domain == DOMAIN
    return str(err.value.translation_key)


async def test_dangling_symlink_is_not_written_through(
    write: tuple[Write, Callable[[], int]], tmp_path: Path
) -> None:
    action, requests = write
    outside = tmp_path / "outside" / "pwned.jpg"
    outside.parent.mkdir()
    link = tmp_path / "allowed" / "link.jpg"
    link.symlink_to(outside)  # dangling: its target does not exist yet
    assert await refused(action, str(link)) == "filename_is_link"
    assert not outside.exists()
    assert requests() == 0


async def test_symlink_to_an_existing_file_is_not_written_through(
    write: tuple[Write, Callable[[], int]], tmp_path: Path
) -> None:
    action, requests = write
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "allowed" / "link.jpg"
    link.symlink_to(victim)
    assert await refused(action, str(link)) == "filename_is_link"
    assert victim.read_text() == "keep me"
    assert requests() == 0


async def test_folder_link_out_of_the_allowlist_is_refused(
    write: tuple[Write, Callable[[], int]], tmp_path: Path
) -> None:
    """A link to a folder outside: the resolved location is checked, not the name."""
    action, requests = write
    (tmp_path / "outside").mkdir()
    (tmp_path / "allowed" / "out").symlink_to(tmp_path / "outside")
    assert await refused(action, str(tmp_path / "allowed" / "out" / "x.jpg")) == (
        "path_not_allowed"
    )
    assert list((tmp_path / "outside").iterdir()) == []
    assert requests() == 0


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("a\x00b.jpg", "filename_invalid"),
        ("bad\nname.jpg", "filename_invalid"),
        ("x" * 300 + ".jpg", "filename_too_long"),
        ("sub/", "filename_is_directory"),
        ("sub/..", "filename_is_directory"),
        ("..", "filename_is_directory"),
        ("../escape.jpg", "path_not_allowed"),
    ],
)
async def test_bad_names_refused_before_the_device_is_asked(
    write: tuple[Write, Callable[[], int]], tmp_path: Path, name: str, key: str
) -> None:
    action, requests = write
    assert await refused(action, f"{tmp_path / 'allowed'}/{name}") == key
    assert requests() == 0
    assert not (tmp_path / "escape.jpg").exists()


async def test_existing_folder_and_fifo_refused(
    write: tuple[Write, Callable[[], int]], tmp_path: Path
) -> None:
    action, requests = write
    folder = tmp_path / "allowed" / "folder.jpg"
    folder.mkdir()
    assert await refused(action, str(folder)) == "filename_is_directory"
    fifo = tmp_path / "allowed" / "fifo.jpg"
    os.mkfifo(fifo)
    assert await refused(action, str(fifo)) == "filename_not_file"
    assert await refused(action, "") == "filename_invalid"
    assert requests() == 0


async def test_good_names_are_written_and_replace_old_files(
    write: tuple[Write, Callable[[], int]], tmp_path: Path
) -> None:
    action, requests = write
    target = tmp_path / "allowed" / "new" / "still.jpg"
    await action(str(target))
    assert target.read_bytes()[:2] == b"\xff\xd8"
    target.write_bytes(b"x" * 10_000_000)  # an older, larger file is truncated, not appended
    await action(str(target))
    assert target.read_bytes()[:2] == b"\xff\xd8" and target.stat().st_size < 10_000_000
    assert requests() == 2


async def test_link_planted_after_the_check_is_refused_at_write(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    """O_NOFOLLOW: a symlink that appears between the check and the write is not followed."""
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    target = await files.async_allowed_file(hass, str(tmp_path / "late.jpg"))
    (tmp_path / "late.jpg").symlink_to(tmp_path / "elsewhere.jpg")
    with pytest.raises(ServiceValidationError) as err:
        await target.async_write(hass, b"\xff\xd8")
    assert err.value.translation_key == "filename_is_link"
    assert not (tmp_path / "elsewhere.jpg").exists()


async def test_write_failure_is_translated(hass: HomeAssistant, tmp_path: Path) -> None:
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    target = await files.async_allowed_file(hass, str(tmp_path / "file.jpg" / "below.jpg"))
    (tmp_path / "file.jpg").write_bytes(b"")  # the parent is now a file: mkdir fails
    with pytest.raises(HomeAssistantError) as err:
        await target.async_write(hass, b"\xff\xd8")
    assert err.value.translation_key == "write_failed"


def test_shown_names_are_escaped_and_short() -> None:
    assert files._shown("a\x00b") == "a\\x00b"
    assert len(files._shown("x" * 1000)) == 201


async def test_unusable_folders_are_not_allowed(hass: HomeAssistant, tmp_path: Path) -> None:
    """A file where a folder should be, and a folder link loop."""
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    (tmp_path / "file.jpg").write_bytes(b"")
    (tmp_path / "loop_a").symlink_to(tmp_path / "loop_b")
    (tmp_path / "loop_b").symlink_to(tmp_path / "loop_a")
    for name in ("file.jpg/below.jpg", "loop_a/x.jpg"):
        with pytest.raises(ServiceValidationError) as err:
            await files.async_allowed_file(hass, str(tmp_path / name))
        assert err.value.translation_key == "path_not_allowed"


async def test_what_appears_after_the_check_is_refused_at_write(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    """A folder, a FIFO or a folder link that appears between check and write."""
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    cases = {"dir.jpg": "filename_is_directory", "fifo.jpg": "filename_not_file"}
    for name, key in cases.items():
        target = await files.async_allowed_file(hass, str(tmp_path / name))
        if name == "dir.jpg":
            (tmp_path / name).mkdir()
        else:
            os.mkfifo(tmp_path / name)
        with pytest.raises(ServiceValidationError) as err:
            await target.async_write(hass, b"\xff\xd8")
        assert err.value.translation_key == key
    (tmp_path / "outside").mkdir()
    target = await files.async_allowed_file(hass, str(tmp_path / "sub" / "x.jpg"))
    (tmp_path / "sub").symlink_to(tmp_path / "outside")
    with pytest.raises(ServiceValidationError) as err:
        await target.async_write(hass, b"\xff\xd8")
    assert err.value.translation_key == "path_not_allowed"
    assert list((tmp_path / "outside").iterdir()) == []
