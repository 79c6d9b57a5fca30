"""Files ties writes (exports, backups): private (0600) whatever the umask, and never left
half-written under their final name."""

from __future__ import annotations

import os
from pathlib import Path

from ties.errors import StoreError


def private_dir(folder: Path) -> None:
    """Create `folder` (and its parents) 0700 whatever the umask, unless it exists. Several
    ties commands started at once on a new store all get here: losing the race to create
    it is not an error."""
    if folder.is_dir():
        return
    try:
        folder.mkdir(parents=True, mode=0o700)
    except FileExistsError:
        if folder.is_dir():
            return
        raise StoreError(f"Can't create the folder {folder}: a file of that name is in the "
                         "way. Choose another place.") from None
    except OSError as exc:
        raise StoreError(f"Can't create the folder {folder}: {exc.strerror}. Choose another "
                         "place.") from None
    os.chmod(folder, 0o700)


def private_temp(target: Path) -> Path:
    """An empty 0600 file next to `target`, to be renamed over it when complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    except OSError as exc:
        raise StoreError(f"Can't write {target}: {exc.strerror}.") from None
    os.fchmod(fd, 0o600)
    os.close(fd)
    return temp


def commit(temp: Path, target: Path) -> None:
    """fsync the finished temp file and move it into place atomically."""
    fd = os.open(temp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, target)
    try:
        dir_fd = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_private(target: Path, data: bytes) -> None:
    target = target.expanduser()
    if target.is_dir():
        raise StoreError(f"{target} is a folder; give a file name.")
    temp = private_temp(target)
    try:
        with open(temp, "wb") as f:
            f.write(data)
        commit(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise StoreError(f"Can't write {target}: {exc.strerror}. Nothing was written.") \
            from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
