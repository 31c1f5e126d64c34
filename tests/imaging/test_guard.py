"""Tests for the input guard: colour before grey, photographs, negatives and the learned guard."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from imaging.guard_data import FILM_TRANSFORMS, document, natural_like, synthetic, transform_film
from imaging.ood import check_cxr_input, colourfulness, photograph_signs
from imaging.photo import picture_colour
from imaging.preprocess import load_image_file
from imaging.registry import available_models

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
FILM = SHARED / "cxr" / "nih1000" / "images_256" / "00001280_004.png"


@pytest.fixture(scope="module")
def film() -> np.ndarray:  # type: ignore[type-arg]
    """A real NIH frontal film (256 px)."""
    if not FILM.is_file():
        pytest.skip(f"shared NIH film not found: {FILM}")
    return load_image_file(FILM)


class TestColourAndPhotographs:
    def test_colour_picture_is_refused_before_grey_conversion(self) -> None:
        """A colourful picture is refused for its colour, which grey conversion would hide."""
        rgb = natural_like(np.random.default_rng(0), colour=True)
        check = check_cxr_input(rgb, kind="photo")
        assert not check.accepted and any("colour" in r for r in check.reasons)

    def test_grey_film_saved_as_rgb_is_not_colour(self, film: np.ndarray, tmp_path: Path) -> None:  # type: ignore[type-arg]
        """A grey film exported as an RGB PNG is neither colourful nor photograph-like."""
        path = tmp_path / "export.png"
        Image.fromarray((film * 255).astype(np.uint8)).convert("RGB").save(path)
        rgb, camera = picture_colour(path)
        assert colourfulness(rgb) < 0.01 and not camera
        assert photograph_signs(rgb, camera) == []
        check = check_cxr_input(rgb, kind="photo", photo_signs=photograph_signs(rgb, camera))
        assert check.accepted and not any("photograph" in f for f in check.flags)

    def test_colour_cast_camera_and_moire_are_photograph_signs(self, film: np.ndarray) -> None:  # type: ignore[type-arg]
        """A warm cast, camera metadata or a moire pattern each mark a photograph."""
        warm = np.stack([film * 1.0, film * 0.9, film * 0.75], axis=-1).astype(np.float32)
        assert "a colour cast" in photograph_signs(warm)
        grey = np.repeat(film[..., None], 3, axis=2)
        assert photograph_signs(grey, camera=True) == ["camera metadata"]
        xx = np.mgrid[0 : film.shape[0], 0 : film.shape[1]][1]
        screen = film * (0.8 + 0.2 * np.sin(2 * np.pi * 0.37 * xx))  # a screen's pixel grid beating
        assert "moire" in photograph_signs(np.repeat(screen[..., None], 3, axis=2).astype(np.float32))


class TestNegatives:
    @pytest.mark.parametrize("kind", FILM_TRANSFORMS)
    def test_film_transforms_change_the_film(self, film: np.ndarray, kind: str) -> None:  # type: ignore[type-arg]
        """Every transform of a real film yields a different picture of the same size."""
        out = transform_film(film, kind)
        assert out.shape == film.shape[::-1] or out.shape == film.shape
        assert not np.allclose(out, film)

    @pytest.mark.parametrize("make", [document, synthetic, natural_like])
    def test_generated_negatives_are_grey_pictures(self, make: object) -> None:
        """Generated negatives are 256 px images in [0, 1] with contrast."""
        out = make(np.random.default_rng(3))  # type: ignore[operator]
        assert out.shape == (256, 256) and float(out.min()) >= 0.0 and float(out.max()) <= 1.0
        assert float(out.std()) > 0.02


class TestReframe:
    """The framings the guard averages over."""

    @pytest.mark.parametrize(
        ("view", "shape"),
        [("as_is", (200, 100)), ("zoom_in", (180, 90)), ("zoom_out", (220, 110)), ("higher", (180, 100))],
    )
    def test_views_reframe_the_picture(self, view: str, shape: tuple[int, int]) -> None:
        """Each view crops or pads by a tenth of the picture and keeps it 2-D."""
        from imaging.guard import reframe

        assert reframe(np.zeros((200, 100, 3), dtype=np.float32), view).shape == shape

    def test_unknown_view_is_refused(self) -> None:
        """A misspelt view is an error, not a silent 'as is'."""
        from imaging.guard import reframe

        with pytest.raises(ValueError, match="unknown guard view 'tilted'"):
            reframe(np.zeros((8, 8), dtype=np.float32), "tilted")


@pytest.mark.slow
class TestLearnedGuard:
    @pytest.fixture(scope="class")
    def guard(self):  # type: ignore[no-untyped-def]
        """The registered guard (skipped when not installed)."""
        if "so-cxr-guard" not in available_models():
            pytest.skip("so-cxr-guard is not registered")
        from imaging.guard import GUARD_NAME, FrontalGuard
        from imaging.registry import get_model_entry

        return FrontalGuard(get_model_entry(GUARD_NAME))

    def test_upright_film_accepted_and_wrong_ones_refused(self, guard, film: np.ndarray) -> None:  # type: ignore[no-untyped-def, type-arg]
        """The real film scores above threshold; upside down and inverted copies below."""
        upright, upside_down, inverted = guard.probabilities(
            [film, transform_film(film, "upside_down"), transform_film(film, "inverted")]
        )
        assert upright >= guard.threshold
        assert upside_down < guard.threshold and inverted < guard.threshold

    def test_film_framed_high_is_accepted(self, guard) -> None:  # type: ignore[no-untyped-def]
        """An adult AP film showing neck and abdomen (chest high in the frame) is read, not refused.

        NIH 00001162_000 (patient half 1, never seen in training) scored 0.47 with a guard trained
        on one framing; its chest alone scores 0.93, so framing, not exposure, was the cause.
        """
        path = SHARED / "cxr" / "nih1000" / "images_256" / "00001162_000.png"
        if not path.is_file():
            pytest.skip(f"shared NIH film not found: {path}")
        from imaging.photo import picture_array

        image = picture_array(path)
        upright, upside_down = guard.probabilities([image, transform_film(image, "upside_down")])
        assert upright >= guard.threshold > upside_down

    @pytest.mark.parametrize(
        ("name", "upright"),
        [("1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm", True), ("Fake_MONOHR1.dcm", False)],
    )
    def test_siim_dicoms(self, guard, name: str, upright: bool) -> None:  # type: ignore[no-untyped-def]
        """The SIIM film passes; its relabelled 'MONOCHROME1' copy displays inverted and is refused."""
        from imaging.dicom_io import read_dataset
        from imaging.pixels import display_array

        path = SHARED / "dicom" / "xrv_siim" / name
        if not path.is_file():
            pytest.skip(f"shared DICOM file not found: {path}")
        [p] = guard.probabilities([display_array(read_dataset(path))])
        assert (p >= guard.threshold) is upright
