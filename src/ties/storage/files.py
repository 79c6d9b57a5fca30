"""Files ties writes (exports, backups): private (0600) in private folders (0700) whatever
the umask, never left half-written under their final name, never written over a file the
user did not agree to replace, and never onto the live store."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ties.core.errors import StoreError

STORE_COMPANIONS = ("", "-wal", "-shm", "-journal")
TEMP_SUFFIX = ".tmp"


class Exists(StoreError):
    """The file is there already and replacing it was not agreed to."""


def private_dir(folder: Path) -> list[Path]:
    """Create `folder` and every missing parent 0700 whatever the umask, unless it exists;
    returns the folders it created, outermost first. Several ties commands started at once
    on a new store all get here: losing the race to create it is not an error."""
    folder = Path(os.path.abspath(folder))
    if folder.is_dir():
        return []
    missing = []
    for parent in (folder, *folder.parents):
        if parent.is_dir():
            break
        missing.append(parent)
    for each in reversed(missing):
        try:
            each.mkdir(mode=0o700)
        except FileExistsError:
            if each.is_dir():
                continue
            raise StoreError(f"Can't create the folder {each}: a file of that name is in the "
                             "way. Choose another place.") from None
        except OSError as exc:
            raise StoreError(f"Can't create the folder {each}: {exc.strerror}. Choose another "
                             "place.") from None
        os.chmod(each, 0o700)
    return missing[::-1]


@contextmanager
def folder_for(folder: Path) -> Iterator[None]:
    """`private_dir(folder)` for a write that may fail: when the block fails, the folders
    it created are removed again if still empty, so a refused backup or export leaves
    nothing behind."""
    created = private_dir(folder)
    try:
        yield
    except BaseException:
        for each in reversed(created):
            try:
                os.rmdir(each)
            except OSError:  # not empty (another command wrote into it), or gone
                break
        raise


def real(target: Path) -> Path:
    """The file `target` names, following symlinks (a dangling one included) and made
    absolute, so that writing it writes what the user named and comparisons are exact."""
    return Path(os.path.realpath(Path(target).expanduser()))


def store_clash(target: Path, store: Path | None) -> str | None:
    """The name of the live store file (or its -wal, -shm or -journal) that `target` would
    write over, however it is reached (symlink, hard link, relative path); else None."""
    if store is None:
        return None
    target = real(target)
    base = real(store)
    try:
        mine = target.stat()
    except OSError:
        mine = None
    for suffix in STORE_COMPANIONS:
        companion = base.with_name(base.name + suffix)
        if target == companion:
            return companion.name
        if mine is not None:
            try:
                theirs = companion.stat()
            except OSError:
                continue
            if (mine.st_dev, mine.st_ino) == (theirs.st_dev, theirs.st_ino):
                return companion.name
    return None


def refuse_store(target: Path, store: Path | None, what: str) -> None:
    """Refuse to write `what` (an export, a backup) onto the live store, even with --force."""
    clash = store_clash(target, store)
    if clash:
        raise StoreError(f"{target} is your live store ({clash}); writing the {what} there "
                         "would destroy it. Nothing was written; choose another file.")


def is_stream(target: Path) -> bool:
    """Whether `target` is a pipe or a character device (/dev/null, /dev/stdout, a FIFO a
    reader waits on): something to write into, never to replace with a file."""
    try:
        mode = os.stat(target).st_mode  # follows /dev/stdout -> /proc/self/fd/1
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def refuse_special(target: Path, what: str, *, streams: bool) -> None:
    """Refuse a `target` that exists but is not a regular file (a socket, a block device;
    a pipe or character device too unless `streams`): replacing it with a file would
    destroy it (`--force` on /dev/null once did)."""
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return
    if streams and (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        return
    raise StoreError(f"{target} is not a regular file; name a file for the {what}. Nothing "
                     "was written.")


def file_to_read(file: Path) -> None:
    """Refuse a backup or export to restore from that is missing or is not a regular file
    (a folder, a device such as /dev/zero, a named pipe), saying which."""
    try:
        mode = os.stat(file).st_mode
    except OSError:
        raise StoreError(f"There is no file {file}.") from None
    if stat.S_ISREG(mode):
        return
    kind = ("a folder" if stat.S_ISDIR(mode) else "a named pipe" if stat.S_ISFIFO(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket")
    raise StoreError(f"{file} is not a regular file (it is {kind}); name a backup or export "
                     "file.")


def private_temp(target: Path) -> Path:
    """An empty 0600 file next to `target`, to be moved into place when complete. Its name
    carries the writer's process id, so 'ties doctor' can tell an orphan from a file being
    written."""
    private_dir(target.parent)
    temp = target.with_name(f".{target.name}.{os.getpid()}{TEMP_SUFFIX}")
    try:
        fd = os.open(temp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        raise StoreError(f"Can't write {target}: {exc.strerror}.") from None
    os.fchmod(fd, 0o600)
    os.close(fd)
    return temp


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def commit(temp: Path, target: Path, *, replace: bool = True) -> None:
    """fsync the finished temp file and move it into place atomically. Without `replace`,
    an existing `target` (even one created a moment ago by another command) is never
    written over: Exists is raised and the temp file is left for the caller."""
    fsync_file(temp)
    if replace:
        os.replace(temp, target)
    else:
        try:
            os.link(temp, target)  # atomic: fails if the name is taken
        except FileExistsError:
            raise Exists(f"{target} already exists.") from None
        except OSError:  # a file system without hard links
            if os.path.lexists(target):
                raise Exists(f"{target} already exists.") from None
            os.replace(temp, target)
        else:
            os.unlink(temp)
    fsync_dir(target.parent)


def commit_unique(temp: Path, folder: Path, stem: str, suffix: str) -> Path:
    """Move `temp` into `folder` as STEM.SUFFIX, or STEM-2.SUFFIX, STEM-3.SUFFIX ... : the
    first name nobody has taken, so two commands in the same second never share a file."""
    n = 1
    while True:
        target = folder / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
        try:
            commit(temp, target, replace=False)
        except Exists:
            n += 1
            continue
        return target


def write_private(target: Path, data: bytes, *, replace: bool = False) -> Path:
    """Write `data` to `target` (0600), whole or not at all. An existing file is replaced
    only with `replace`; a pipe or character device is written into. Returns the file
    written (symlinks followed)."""
    if is_stream(target):
        try:
            with open(target, "wb") as f:
                f.write(data)
        except OSError as exc:
            raise StoreError(f"Can't write {target}: {exc.strerror}.") from None
        return Path(target)
    target = real(target)
    if target.is_dir():
        raise StoreError(f"{target} is a folder; give a file name.")
    with folder_for(target.parent):
        temp = private_temp(target)
        try:
            with open(temp, "wb") as f:
                f.write(data)
            commit(temp, target, replace=replace)
        except Exists:
            temp.unlink(missing_ok=True)
            raise
        except OSError as exc:
            temp.unlink(missing_ok=True)
            raise StoreError(f"Can't write {target}: {exc.strerror}. Nothing was written.") \
                from None
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    return target


# Orphans: what an interrupted command leaves behind --------------------------------------

_TEMP = re.compile(r"^\..+\.(\d+)\.tmp(-journal|-wal|-shm)?$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OverflowError:
        return False
    return True


def orphans(store: Path) -> list[Path]:
    """Temporary files ties left next to the store or in its backups/ folder when it was
    killed: half-written copies whose writer is gone. None of them is ever the only copy of
    anything: a temporary copy is of a store that was still in place when it was made."""
    return orphans_in([store.parent, store.parent / "backups"])


def orphans_in(folders: list[Path]) -> list[Path]:
    """Temporary files in `folders` whose writer is gone (see `orphans`)."""
    found = []
    for folder in folders:
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            match = _TEMP.match(name)
            if match and not _alive(int(match.group(1))):
                path = folder / name
                if path.is_file() and not path.is_symlink():
                    found.append(path)
    return found
