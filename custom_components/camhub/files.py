"""The one place CamHub writes a file an action names (snapshot_history, capture_still).

An action's file name is user input, and the folders it may name (`allowlist_external_dirs`)
are often shared with other software. `hass.config.is_allowed_path` alone is not enough: for
a file that does not exist yet it checks the parent folder, so a dangling symlink inside an
allowed folder would let the write land wherever the link points. Here:

- the name is checked first, without I/O: empty, NUL or other control characters, longer
  than the system allows (255 bytes a component, 4096 in all);
- then, in the executor (it is blocking I/O): an existing link (dangling or not), folder or
  non-regular file at that name is refused, the parent folder is resolved and both the name
  as given and the resolved location must be allowed;
- all of that happens before the device is asked for anything, so a bad name costs no
  device request;
- the write itself opens with O_NOFOLLOW (a link planted after the check is refused), checks
  that what it opened is a regular file before truncating it, and re-checks that the parent
  still resolves to the folder that was allowed.

Every refusal is a translated ServiceValidationError; a write that fails for the system's
own reasons (disk full, permissions) is a translated HomeAssistantError.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.core_config import Config
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import DOMAIN

MAX_COMPONENT = 255
"""Bytes in one path component: the limit of ext4, btrfs, xfs, tmpfs, NTFS (as UTF-16 units)."""
MAX_PATH = 4096
"""Bytes in a whole path (Linux PATH_MAX)."""

_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class _RefusedError(Exception):
    """A check failed; `key` names the translated message."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True, slots=True)
class AllowedFile:
    """A file name that passed every check: `path` is where the bytes will go."""

    filename: str
    path: Path

    async def async_write(self, hass: HomeAssistant, data: bytes) -> None:
        """Write `data` (in the executor); refusals and failures are translated."""
        try:
            await hass.async_add_executor_job(_write, self.path, data)
        except _RefusedError as err:
            raise _refused(err.key, self.filename) from err
        except OSError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="write_failed",
                translation_placeholders={
                    "filename": _shown(self.filename),
                    "error": err.strerror or type(err).__name__,
                },
            ) from err


async def async_allowed_file(hass: HomeAssistant, filename: str) -> AllowedFile:
    """Check `filename` for writing, before any device request; raise a translated error."""
    try:
        _check_name(filename)
        path = await hass.async_add_executor_job(_check_location, hass.config, filename)
    except _RefusedError as err:
        raise _refused(err.key, filename) from err
    return AllowedFile(filename, path)


def _refused(key: str, filename: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"filename": _shown(filename)},
    )


def _shown(filename: str) -> str:
    """The name as it can be shown: control characters escaped, at most 200 characters."""
    text = filename.encode("unicode_escape").decode("ascii", "replace")
    return text if len(text) <= 200 else text[:200] + "…"


def _check_name(filename: str) -> None:
    """Checks that need no I/O."""
    if not filename.strip() or any(ord(c) < 32 or ord(c) == 127 for c in filename):
        raise _RefusedError("filename_invalid")
    encoded = os.fsencode(filename)
    if len(encoded) > MAX_PATH or any(len(part) > MAX_COMPONENT for part in encoded.split(b"/")):
        raise _RefusedError("filename_too_long")
    if filename.endswith(("/", "/.", "/..")) or Path(filename).name in ("", ".", ".."):
        raise _RefusedError("filename_is_directory")


def _check_location(config: Config, filename: str) -> Path:
    """Blocking checks (executor): what is at the name now, and where it really is."""
    path = Path(filename)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as err:
        raise _RefusedError("path_not_allowed") from err
    if info is not None:
        _check_existing(info.st_mode)
    try:
        target = path.parent.resolve() / path.name
    except (OSError, RuntimeError) as err:  # RuntimeError: a symlink loop
        raise _RefusedError("path_not_allowed") from err
    if not (config.is_allowed_path(filename) and config.is_allowed_path(str(target))):
        raise _RefusedError("path_not_allowed")
    return target


def _check_existing(mode: int) -> None:
    if stat.S_ISLNK(mode):
        raise _RefusedError("filename_is_link")
    if stat.S_ISDIR(mode):
        raise _RefusedError("filename_is_directory")
    if not stat.S_ISREG(mode):
        raise _RefusedError("filename_not_file")


def _write(path: Path, data: bytes) -> None:
    """Create or replace a regular file, never through a link (executor)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.parent.resolve() != path.parent:
        raise _RefusedError("path_not_allowed")  # the folder was swapped for a link
    try:
        fd = os.open(path, _OPEN_FLAGS, 0o644)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise _RefusedError("filename_is_link") from err
        if err.errno == errno.EISDIR:
            raise _RefusedError("filename_is_directory") from err
        if err.errno == errno.ENXIO:  # a FIFO without a reader
            raise _RefusedError("filename_not_file") from err
        raise
    try:
        _check_existing(os.fstat(fd).st_mode)
        os.ftruncate(fd, 0)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
