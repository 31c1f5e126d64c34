"""Upload safety: zip bombs, member counts, path traversal, links and nesting."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from imaging.archive import ArchiveLimits, extract_archive, safe_member_path
from imaging.errors import UnsafeArchiveError, UnsupportedFileError

SMALL = ArchiveLimits(max_uncompressed_bytes=1_000_000, max_members=10, max_depth=1)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


class TestSafeMemberPath:
    """Member names that escape the destination are refused."""

    @pytest.mark.parametrize(
        ("name", "match"),
        [
            ("../evil.dcm", r"points outside the archive \('\.\.'\)"),
            ("a/../../evil.dcm", r"points outside"),
            ("..\\..\\windows\\evil.dcm", r"points outside"),
            ("/etc/passwd", "absolute path"),
            ("C:\\Windows\\evil.dll", "absolute path"),
            ("a\x00b", "NUL byte"),
            ("./", "empty name"),
        ],
    )
    def test_refused(self, name: str, match: str) -> None:
        """Traversal, absolute and odd names raise UnsafeArchiveError."""
        with pytest.raises(UnsafeArchiveError, match=match):
            safe_member_path(name)

    @pytest.mark.parametrize(
        ("name", "expected"), [("a/b.dcm", "a/b.dcm"), ("./a//b", "a/b"), ("x\\y.dcm", "x/y.dcm")]
    )
    def test_accepted(self, name: str, expected: str) -> None:
        """Ordinary relative names are normalised."""
        assert str(safe_member_path(name)) == expected


class TestExtractArchive:
    """extract_archive enforces the caller's limits."""

    def test_ordinary_archive(self, tmp_path: Path) -> None:
        """Members are unpacked under the destination with their folders."""
        zp = _zip(tmp_path / "s.zip", {"study/a.dcm": b"a", "study/b.dcm": b"bb"})
        files = extract_archive(zp, tmp_path / "out", SMALL)
        assert sorted(f.relative_to(tmp_path / "out").as_posix() for f in files) == [
            "study/a.dcm",
            "study/b.dcm",
        ]

    def test_zip_bomb_by_declared_size(self, tmp_path: Path) -> None:
        """5 MB of zeros (a few kB compressed) exceeds a 1 MB budget before writing."""
        zp = _zip(tmp_path / "bomb.zip", {"zeros.bin": b"\0" * 5_000_000})
        assert zp.stat().st_size < 20_000
        with pytest.raises(UnsafeArchiveError, match=r"unpack to 5 MB, more than the 1 MB"):
            extract_archive(zp, tmp_path / "out", SMALL)
        assert not (tmp_path / "out" / "zeros.bin").exists()

    def test_zip_bomb_by_written_size(self, tmp_path: Path) -> None:
        """Several members that each fit but together exceed the budget are stopped."""
        members = {f"m{i}.bin": b"\0" * 300_000 for i in range(3)}
        zp = _zip(tmp_path / "b.zip", members)
        limits = ArchiveLimits(max_uncompressed_bytes=800_000, max_members=10, max_depth=0)
        with pytest.raises(UnsafeArchiveError, match="would unpack to 1 MB"):
            extract_archive(zp, tmp_path / "out", limits)

    def test_too_many_members(self, tmp_path: Path) -> None:
        """Eleven members exceed a limit of ten."""
        zp = _zip(tmp_path / "many.zip", {f"f{i}": b"x" for i in range(11)})
        with pytest.raises(UnsafeArchiveError, match="more than 10 files"):
            extract_archive(zp, tmp_path / "out", SMALL)

    def test_traversal_member_refuses_whole_archive(self, tmp_path: Path) -> None:
        """One '../' member refuses the archive and writes nothing outside."""
        zp = _zip(tmp_path / "t.zip", {"ok.dcm": b"x", "../../escaped.txt": b"pwn"})
        with pytest.raises(UnsafeArchiveError, match="path-traversal"):
            extract_archive(zp, tmp_path / "out", SMALL)
        assert not (tmp_path / "escaped.txt").exists()
        assert not (tmp_path.parent / "escaped.txt").exists()

    def test_symlink_member_refused(self, tmp_path: Path) -> None:
        """A member marked as a symbolic link is refused."""
        zp = tmp_path / "link.zip"
        with zipfile.ZipFile(zp, "w") as zf:
            info = zipfile.ZipInfo("link")
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
        with pytest.raises(UnsafeArchiveError, match="symbolic link"):
            extract_archive(zp, tmp_path / "out", SMALL)

    def test_nesting_within_depth(self, tmp_path: Path) -> None:
        """An archive one level inside is unpacked when max_depth is 1."""
        inner = _zip_bytes({"inner.dcm": b"dicom"})
        zp = _zip(tmp_path / "outer.zip", {"in.zip": inner, "top.dcm": b"t"})
        files = extract_archive(zp, tmp_path / "out", SMALL)
        assert sorted(f.name for f in files) == ["inner.dcm", "top.dcm"]
        assert not (tmp_path / "out" / "in.zip").exists()

    def test_nesting_beyond_depth(self, tmp_path: Path) -> None:
        """Archives nested two deep exceed max_depth 1."""
        level2 = _zip_bytes({"deep.dcm": b"d"})
        level1 = _zip_bytes({"l2.zip": level2})
        zp = _zip(tmp_path / "outer.zip", {"l1.zip": level1})
        with pytest.raises(UnsafeArchiveError, match="nested more than 1 levels"):
            extract_archive(zp, tmp_path / "out", SMALL)

    def test_nested_members_share_the_budget(self, tmp_path: Path) -> None:
        """Members of nested archives count against the same member limit."""
        inner = _zip_bytes({f"i{i}": b"x" for i in range(8)})
        zp = _zip(tmp_path / "outer.zip", {"in.zip": inner, "a": b"1", "b": b"2"})
        with pytest.raises(UnsafeArchiveError, match="more than 10 files"):
            extract_archive(zp, tmp_path / "out", SMALL)

    def test_damaged_archive(self, tmp_path: Path) -> None:
        """A truncated zip is reported as damaged, not as a crash."""
        data = _zip_bytes({"a.dcm": b"x" * 1000})
        zp = tmp_path / "cut.zip"
        zp.write_bytes(data[: len(data) // 2])
        with pytest.raises(UnsupportedFileError, match="damaged"):
            extract_archive(zp, tmp_path / "out", SMALL)
