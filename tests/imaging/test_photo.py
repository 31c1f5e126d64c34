"""PNG/JPEG pictures: decoding, orientation, metadata stripping and refusals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, PngImagePlugin

from imaging import photo
from imaging.errors import UnsupportedFileError
from imaging.photo import clean_picture, picture_array
from tests.imaging.conftest import XRV_SAMPLES, require


class TestCleanPicture:
    """clean_picture writes pixels only."""

    def test_png_text_chunks_removed(self, tmp_path: Path) -> None:
        """PNG tEXt chunks (often a name or a date) are removed and named."""
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", "Jane Patient")
        src = tmp_path / "x.png"
        Image.new("L", (8, 8), 3).save(src, pnginfo=info)
        out = clean_picture(src, tmp_path / "clean.png")
        assert "PNG metadata:Author" in out.removed
        assert b"Jane Patient" not in (tmp_path / "clean.png").read_bytes()

    def test_exif_orientation_applied(self, tmp_path: Path) -> None:
        """A picture tagged 'rotate 90' is stored upright (width and height swap)."""
        exif = Image.Exif()
        exif[0x0112] = 6
        src = tmp_path / "r.jpg"
        Image.new("RGB", (40, 20), (10, 20, 30)).save(src, exif=exif.tobytes())
        out = clean_picture(src, tmp_path / "clean.png")
        assert (out.width, out.height) == (20, 40)
        assert "EXIF:Orientation" in out.removed

    def test_damaged_picture(self, tmp_path: Path) -> None:
        """A truncated JPEG is refused with a plain message."""
        src = tmp_path / "x.jpg"
        Image.new("L", (64, 64), 3).save(src)
        src.write_bytes(src.read_bytes()[:100])
        with pytest.raises(UnsupportedFileError, match="damaged"):
            clean_picture(src, tmp_path / "c.png")

    def test_other_format_refused(self, tmp_path: Path) -> None:
        """A GIF is not read."""
        src = tmp_path / "x.gif"
        Image.new("L", (4, 4)).save(src)
        with pytest.raises(UnsupportedFileError, match="GIF"):
            clean_picture(src, tmp_path / "c.png")

    def test_too_large_refused(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Pictures over the pixel budget are refused before decoding."""
        monkeypatch.setattr(photo, "MAX_PIXELS", 100)
        src = tmp_path / "x.png"
        Image.new("L", (20, 20)).save(src)
        with pytest.raises(UnsupportedFileError, match="20x20 pixels"):
            clean_picture(src, tmp_path / "c.png")


class TestPictureArray:
    """picture_array for models and previews."""

    @pytest.mark.parametrize("name", ["00000001_000.png", "covid-19-pneumonia-58-prior.jpg"])
    def test_shared_xray_exports(self, name: str) -> None:
        """Real X-ray exports become 2-D float32 in [0, 1]."""
        arr = picture_array(require(XRV_SAMPLES / name))
        assert arr.ndim == 2
        assert arr.dtype == np.float32
        assert 0.0 <= arr.min() < arr.max() <= 1.0
