"""Safe unpacking of uploaded zip archives.

Uploads are untrusted. Before anything is written, every member name is checked for
path traversal (absolute paths, ``..``, drive letters, links), and the declared sizes and
member counts are checked against :class:`ArchiveLimits`; while writing, the bytes
actually produced are counted again so that a lying header cannot exceed the budget.
Archives inside archives are unpacked up to ``max_depth`` levels, sharing one budget.
"""

from __future__ import annotations

import logging
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from imaging.errors import UnsafeArchiveError, UnsupportedFileError

logger = logging.getLogger(__name__)

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class ArchiveLimits:
    """Upload-safety limits for archives, supplied by the caller (the app's settings).

    Attributes:
        max_uncompressed_bytes: Largest total size of all unpacked members, nested included.
        max_members: Most members in all archives of one upload together.
        max_depth: Deepest archive-inside-archive nesting; 0 refuses any nested archive.
    """

    max_uncompressed_bytes: int = 2048 * 1024 * 1024
    max_members: int = 5000
    max_depth: int = 2


@dataclass
class _Budget:
    """What is left of the limits while one upload is unpacked."""

    limits: ArchiveLimits
    members: int = 0
    bytes_written: int = 0
    files: list[Path] = field(default_factory=list)


def is_zip(path: Path) -> bool:
    """Tell whether a file starts like a zip archive (by content, not by name)."""
    try:
        with path.open("rb") as fh:
            return fh.read(4) in ZIP_MAGIC
    except OSError:
        return False


def safe_member_path(name: str) -> PurePosixPath:
    """Validate one archive member name and return it as a relative path.

    Args:
        name: The member name as stored in the archive.

    Returns:
        The relative path the member may be written to.

    Raises:
        UnsafeArchiveError: If the name is absolute, climbs out with ``..``, names a
            drive, or contains a NUL byte.
    """
    cleaned = name.replace("\\", "/")
    if "\x00" in cleaned:
        raise UnsafeArchiveError("An archive member name contains a NUL byte.")
    posix = PurePosixPath(cleaned)
    first = posix.parts[0] if posix.parts else ""
    if cleaned.startswith("/") or (len(first) >= 2 and first[1] == ":"):
        raise UnsafeArchiveError(
            f"The archive member '{_shown(name)}' has an absolute path; "
            "archives must only contain relative paths."
        )
    if any(part == ".." for part in posix.parts):
        raise UnsafeArchiveError(
            f"The archive member '{_shown(name)}' points outside the archive ('..'); "
            "this is how path-traversal attacks work, so the archive was refused."
        )
    parts = [p for p in posix.parts if p not in ("", ".")]
    if not parts:
        raise UnsafeArchiveError("An archive member has an empty name.")
    return PurePosixPath(*parts)


def _shown(name: str) -> str:
    """A member name shortened and made printable for a message."""
    printable = "".join(ch if ch.isprintable() else "?" for ch in name)
    return printable if len(printable) <= 80 else printable[:77] + "..."


def extract_archive(path: Path, dest: Path, limits: ArchiveLimits) -> list[Path]:
    """Unpack a zip archive (and archives nested in it) safely into ``dest``.

    Args:
        path: The zip file.
        dest: An empty folder to unpack into; it should not be a folder that is served
            or stored, since members are not yet de-identified.
        limits: Size, member-count and nesting limits.

    Returns:
        The unpacked regular files (nested archives replaced by their contents).

    Raises:
        UnsafeArchiveError: If a limit is exceeded or a member name is unsafe.
        UnsupportedFileError: If the archive is damaged, encrypted or uses an
            unsupported compression method.
    """
    budget = _Budget(limits)
    _extract(path, dest, budget, depth=0)
    return budget.files


def _extract(path: Path, dest: Path, budget: _Budget, depth: int) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_declared(infos, budget)
            for info in infos:
                _extract_member(zf, info, dest, budget, depth)
    except (UnsafeArchiveError, UnsupportedFileError):
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as e:
        raise UnsupportedFileError(
            "This zip archive is damaged and could not be unpacked.",
            remedy="Create the archive again and upload it once more.",
        ) from e
    except NotImplementedError as e:
        raise UnsupportedFileError(
            "This zip archive uses a compression method we do not support.",
            remedy="Create the archive again with ordinary (deflate) compression.",
        ) from e
    except RuntimeError as e:  # zipfile raises RuntimeError for encrypted members
        raise UnsupportedFileError(
            "This zip archive is password-protected.",
            remedy="Upload the archive without a password.",
        ) from e


def _check_declared(infos: list[zipfile.ZipInfo], budget: _Budget) -> None:
    """Refuse an archive whose directory already announces too much."""
    limits = budget.limits
    count = budget.members + len(infos)
    if count > limits.max_members:
        raise UnsafeArchiveError(
            f"The archive holds more than {limits.max_members} files, more than one upload may contain."
        )
    declared = budget.bytes_written + sum(max(i.file_size, 0) for i in infos)
    if declared > limits.max_uncompressed_bytes:
        raise UnsafeArchiveError(
            f"The archive would unpack to {declared / 1e6:.0f} MB, more than the "
            f"{limits.max_uncompressed_bytes / 1e6:.0f} MB one upload may contain."
        )
    for info in infos:
        safe_member_path(info.filename)


def _extract_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, budget: _Budget, depth: int
) -> None:
    rel = safe_member_path(info.filename)
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise UnsafeArchiveError(
            f"The archive member '{_shown(info.filename)}' is a symbolic link; "
            "links are refused because they can point outside the archive."
        )
    budget.members += 1
    if budget.members > budget.limits.max_members:
        raise UnsafeArchiveError(
            f"The archive holds more than {budget.limits.max_members} files, "
            "more than one upload may contain."
        )
    if info.is_dir():
        return
    target = dest / Path(*rel.parts)
    if target.exists():
        target = target.with_name(f"{target.name}.{budget.members}")
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy_limited(zf, info, target, budget)
    if is_zip(target):
        _extract_nested(target, budget, depth)
    else:
        budget.files.append(target)


def _copy_limited(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: _Budget) -> None:
    """Copy one member, counting the bytes actually produced against the budget."""
    limit = budget.limits.max_uncompressed_bytes
    with zf.open(info) as src, target.open("wb") as out:
        while chunk := src.read(_CHUNK):
            budget.bytes_written += len(chunk)
            if budget.bytes_written > limit:
                raise UnsafeArchiveError(
                    f"The archive unpacks to more than {limit / 1e6:.0f} MB, more than "
                    "one upload may contain (it may be a 'zip bomb')."
                )
            out.write(chunk)


def _extract_nested(target: Path, budget: _Budget, depth: int) -> None:
    if depth + 1 > budget.limits.max_depth:
        raise UnsafeArchiveError(
            f"The archive contains archives nested more than {budget.limits.max_depth} levels deep.",
            remedy="Unpack the inner archives and upload their contents instead.",
        )
    inner_dest = target.with_name(target.name + ".unpacked")
    inner_dest.mkdir(parents=True, exist_ok=True)
    _extract(target, inner_dest, budget, depth + 1)
    target.unlink()
