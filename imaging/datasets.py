"""A registry of the chest X-ray films the project trains and validates on.

Every film is one :class:`Film`: its source (hospital or public set), patient, view, age
group and label, read in place from ``../shared/data/cxr`` (Kermany paediatric, NIH 1,000,
and the six adult sets of ``adult_extra``); nothing is copied. Near-duplicates are dropped
(``dup_of``), and COVID-positive films without visible abnormality are left out of the
binary task. :func:`build_film_cache` decodes all films once at the training resolution
into a uint8 array so epochs and evaluations cost only the network.
"""

from __future__ import annotations

import csv
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from imaging.populations import AgeGroup, age_group, normalise_view
from imaging.preprocess import load_image_file, resize_square

logger = logging.getLogger(__name__)

KERMANY, NIH = "kermany", "nih"
ADULT_EXTRA_SOURCES = (
    "covid_chestxray_ieee8023",
    "hannover_mhh_covid",
    "covid_cxnet_armiro",
    "actualmed_covid",
    "figure1_covid",
    "shenzhen_tb_partial",
)


@dataclass(frozen=True)
class Film:
    """One film: where it came from, whose it is, how it was taken and what it shows."""

    path: Path
    source: str
    patient: str
    view: str | None
    age_group: AgeGroup
    abnormal: int
    pneumonia: float
    official_test: bool = False


def recorded_age_group(age: str) -> AgeGroup:
    """Age group from a recorded age; the adult sets' films without an age count as adults."""
    try:
        group = age_group(float(age))
    except ValueError:
        group = None
    return group or "adult"


def kermany_films(root: Path) -> list[Film]:
    """Kermany paediatric films (age 1-5; view not recorded); pneumonia is abnormal."""
    folder = root / "cxr" / "kermany"
    films = []
    with (folder / "labels.csv").open(newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            y = int(rec["label"] == "PNEUMONIA")
            films.append(
                Film(
                    folder / "images" / rec["image"],
                    KERMANY,
                    f"k:{rec['patient_id']}",
                    None,
                    "child",
                    y,
                    float(y),
                    rec["split"] == "test",
                )
            )
    return films


def nih_films(root: Path) -> list[Film]:
    """NIH 1,000 adult films: pneumonia vs no finding (see its NOTE on confounding)."""
    folder = root / "cxr" / "nih1000"
    films = []
    with (folder / "labels.csv").open(newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            y = int(rec["Pneumonia"] == "1")
            group = recorded_age_group(rec["age"])
            films.append(
                Film(
                    folder / "images_256" / rec["image"],
                    NIH,
                    f"n:{rec['patient_id']}",
                    normalise_view(rec["view"]),
                    group,
                    y,
                    float(y),
                )
            )
    return films


def adult_extra_films(root: Path) -> list[Film]:
    """The six adult sets, duplicates and normal-appearing COVID films left out."""
    folder = root / "cxr" / "adult_extra"
    films = []
    with (folder / "all_labels.csv").open(newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            if rec["dup_of"] or rec["label_binary"] not in ("normal", "abnormal"):
                continue
            y = int(rec["label_binary"] == "abnormal")
            tb = "tuberculosis" in rec["label"].lower()
            films.append(
                Film(
                    folder / rec["path"],
                    rec["dataset"],
                    f"{rec['dataset']}:{rec['patient_id']}",
                    normalise_view(rec["view"]),
                    recorded_age_group(rec["age"]),
                    y,
                    float("nan") if tb else float(y),
                )
            )
    return films


def all_films(root: Path) -> list[Film]:
    """Every film of the registry, in a fixed order."""
    return kermany_films(root) + nih_films(root) + adult_extra_films(root)


def patient_half(patient: str, seed: int) -> int:
    """0 or 1, a stable split of patients (SHA-256 of seed and patient id)."""
    return hashlib.sha256(f"{seed}:{patient}".encode()).digest()[0] % 2


@dataclass
class FilmArrays:
    """The registry as parallel arrays, images decoded at one resolution."""

    images: npt.NDArray[np.uint8]
    source: npt.NDArray[np.str_]
    patient: npt.NDArray[np.str_]
    view: npt.NDArray[np.str_]
    age_group: npt.NDArray[np.str_]
    abnormal: npt.NDArray[np.int64]
    pneumonia: npt.NDArray[np.float32]
    official_test: npt.NDArray[np.bool_]

    def __len__(self) -> int:
        """Number of films."""
        return len(self.images)

    def take(self, mask: npt.NDArray[np.bool_]) -> FilmArrays:
        """Rows selected by a boolean mask."""
        return FilmArrays(*(getattr(self, k)[mask] for k in self.__dataclass_fields__))


def build_film_cache(root: Path, cache_dir: Path, size: int) -> FilmArrays:
    """All films decoded and resized to ``size`` (cached as ``films_<size>.npz``)."""
    films = all_films(root)
    cache = cache_dir / f"films_{size}.npz"
    images = None
    if cache.is_file():
        stored = np.load(cache)["images"]
        images = stored if len(stored) == len(films) else None
    if images is None:
        logger.info("decoding %d films at %d px", len(films), size)
        images = np.stack(
            [np.round(resize_square(load_image_file(f.path), size) * 255).astype(np.uint8) for f in films]
        )
        cache_dir.mkdir(parents=True, exist_ok=True)
        np.savez(cache, images=images)
    return FilmArrays(
        images=images,
        source=np.array([f.source for f in films]),
        patient=np.array([f.patient for f in films]),
        view=np.array([f.view or "" for f in films]),
        age_group=np.array([f.age_group for f in films]),
        abnormal=np.array([f.abnormal for f in films], dtype=np.int64),
        pneumonia=np.array([f.pneumonia for f in films], dtype=np.float32),
        official_test=np.array([f.official_test for f in films]),
    )
