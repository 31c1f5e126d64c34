"""Classical CT lung quantitation on a Hounsfield-unit volume.

Methods (well established, no learned weights):

* Lung mask: air-like voxels (HU < -320) inside the body that do not touch the volume
  border, largest components kept; the trachea and main bronchi are removed by 3-D region
  growing of lumen air (HU < -950) from a seed found in the most cranial slices; holes
  (vessels, nodules) are filled slice by slice after a small in-plane closing.
* Lung volume in litres and the emphysema index %LAA-950 (percentage of lung voxels below
  -950 HU; Gevenois et al., AJRCCM 1996; Wang et al., Radiology 2013).
* Nodule/mass candidates: compact soft-tissue blobs (HU > -400) inside the lung mask after
  an in-plane opening that cuts thin vessels; equivalent diameter, slice, centroid, mean HU.
"""

from __future__ import annotations

import logging

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, Field
from scipy import ndimage

from imaging.errors import QuantitationError

logger = logging.getLogger(__name__)

BoolVolume = npt.NDArray[np.bool_]
FloatVolume = npt.NDArray[np.floating]
LUNG_AIR_HU = -320.0
LUMEN_AIR_HU = -950.0
TISSUE_HU = -400.0
LAA_HU = -950.0


class NoduleCandidate(BaseModel):
    """One blob inside the lungs that may be a nodule or mass."""

    diameter_mm: float = Field(description="Diameter of the sphere of equal volume.")
    axial_extent_mm: float = Field(description="Largest in-plane extent.")
    volume_ml: float
    slice_index: int = Field(description="Slice (z index) of the candidate's centroid.")
    centroid_zyx: tuple[float, float, float] = Field(description="Centroid in voxel indices.")
    mean_hu: float
    slices: tuple[int, int] = Field(description="First and last slice index touched.")


class CTMeasurements(BaseModel):
    """What the CT quantitation measured on one series."""

    lung_volume_l: float
    laa950_percent: float = Field(description="% of lung voxels below -950 HU.")
    airway_volume_ml: float
    nodule_candidates: list[NoduleCandidate]
    method: str = "threshold + connected components + airway removal; blob candidates"
    warnings: list[str] = Field(default_factory=list)


def _disc(radius_px: int) -> BoolVolume:
    r = max(radius_px, 1)
    y, x = np.ogrid[-r : r + 1, -r : r + 1]
    return np.asarray((x * x + y * y <= r * r)[None], dtype=bool)


def body_mask(hu: FloatVolume) -> BoolVolume:
    """Largest 3-D component of HU > -500 with holes filled in each axial slice."""
    labels, n = ndimage.label(hu > -500.0)
    if n == 0:
        raise QuantitationError("No body found in the CT volume (no voxel above -500 HU).")
    sizes = ndimage.sum_labels(np.ones_like(labels), labels, index=np.arange(1, n + 1))
    body = labels == int(np.argmax(sizes)) + 1
    return np.stack([ndimage.binary_fill_holes(s) for s in body]).astype(bool)


def _largest_components(mask: BoolVolume, keep: int, min_voxels: int) -> BoolVolume:
    labels, n = ndimage.label(mask)
    if n == 0:
        return np.zeros_like(mask)
    sizes = ndimage.sum_labels(np.ones_like(labels), labels, index=np.arange(1, n + 1))
    order = np.argsort(sizes)[::-1][:keep]
    chosen = [i + 1 for i in order if sizes[i] >= min_voxels]
    return np.isin(labels, chosen)


def airway_mask(hu: FloatVolume, air: BoolVolume, spacing: tuple[float, float, float]) -> BoolVolume:
    """Trachea and main bronchi: lumen air grown from a seed in the most cranial slices.

    The seed is the most central small (0.5-6 cm2) air component of the first slice that has
    air inside the body. Growth stops at -950 HU; if it leaks into the lungs (more than
    300 ml), growth is retried at -990 HU, then the airway is left in the lung mask with a
    warning-worthy empty result.
    """
    pixel_cm2 = spacing[1] * spacing[2] / 100.0
    for z in range(air.shape[0]):
        labels, n = ndimage.label(air[z])
        if n == 0:
            continue
        areas = ndimage.sum_labels(np.ones_like(labels), labels, np.arange(1, n + 1)) * pixel_cm2
        centres = ndimage.center_of_mass(np.ones_like(labels), labels, np.arange(1, n + 1))
        mid = air.shape[2] / 2.0
        small = [i for i in range(n) if 0.5 <= areas[i] <= 6.0]
        if not small:
            continue
        seed_label = min(small, key=lambda i: abs(centres[i][1] - mid)) + 1
        seed = np.zeros_like(air)
        seed[z] = labels == seed_label
        voxel_ml = float(np.prod(spacing)) / 1000.0
        for limit in (LUMEN_AIR_HU, -990.0):
            lumen, _ = ndimage.label((hu < limit) & air)
            ids = np.unique(lumen[seed & (lumen > 0)])
            grown = np.isin(lumen, ids[ids > 0]) | seed
            if grown.sum() * voxel_ml < 300.0:
                return np.asarray(ndimage.binary_dilation(grown, _disc(1)), dtype=bool)
        return seed
    return np.zeros_like(air)


def lung_mask(hu: FloatVolume, spacing: tuple[float, float, float]) -> tuple[BoolVolume, BoolVolume]:
    """Segment the lungs; returns ``(lungs, airways)`` boolean volumes.

    Raises:
        QuantitationError: If no lung-sized air region is found.
    """
    body = body_mask(hu)
    air = (hu < LUNG_AIR_HU) & body
    air &= ~_touches_border(air)
    voxel_ml = float(np.prod(spacing)) / 1000.0
    air = _largest_components(air, keep=3, min_voxels=int(50.0 / voxel_ml))
    if not air.any():
        raise QuantitationError("No lung-sized air region found inside the body.")
    airways = airway_mask(hu, air, spacing)
    lungs = air & ~airways
    lungs = _largest_components(lungs, keep=2, min_voxels=int(100.0 / voxel_ml))
    radius = max(1, round(5.0 / spacing[1]))
    lungs = ndimage.binary_closing(lungs, _disc(radius)) & body
    lungs = np.stack([ndimage.binary_fill_holes(s) for s in lungs]).astype(bool) & ~airways
    return lungs, airways


def _touches_border(mask: BoolVolume) -> BoolVolume:
    labels, _ = ndimage.label(mask)
    edge = np.unique(
        np.concatenate(
            [labels[:, 0].ravel(), labels[:, -1].ravel(), labels[:, :, 0].ravel(), labels[:, :, -1].ravel()]
        )
    )
    return np.isin(labels, edge[edge > 0])


def search_region(
    lungs: BoolVolume, spacing: tuple[float, float, float], radius_mm: float = 15.0
) -> BoolVolume:
    """Lungs with pleural and mediastinal concavities up to ~2 x ``radius_mm`` wide filled.

    Each lung is closed separately, slice by slice, with a disc (a rolling ball in 2-D), so
    that juxtapleural nodules and masses fall inside while the two lungs are never merged
    across the mediastinum.
    """
    labels, n = ndimage.label(lungs)
    disc = _disc(max(1, round(radius_mm / spacing[1])))[0]
    pad = disc.shape[0]
    region = np.zeros_like(lungs)
    for index in range(1, n + 1):
        part = labels == index
        for z in np.flatnonzero(part.any(axis=(1, 2))):
            padded = np.pad(part[z], pad)
            closed = ndimage.binary_closing(padded, disc)[pad:-pad, pad:-pad]
            region[z] |= ndimage.binary_fill_holes(closed)
    return region


def nodule_candidates(
    hu: FloatVolume,
    lungs: BoolVolume,
    spacing: tuple[float, float, float],
    min_diameter_mm: float = 5.0,
    max_diameter_mm: float = 80.0,
) -> list[NoduleCandidate]:
    """Compact soft-tissue blobs inside the lungs, largest first.

    An in-plane opening of radius ~3 mm removes vessels thinner than ~6 mm; components whose
    principal-axis elongation exceeds 3 (vessel segments) are dropped.
    """
    radius = max(1, round(3.0 / spacing[1]))
    tissue = ndimage.binary_opening((hu > TISSUE_HU) & search_region(lungs, spacing), _disc(radius))
    labels, _ = ndimage.label(tissue)
    voxel_ml = float(np.prod(spacing)) / 1000.0
    found: list[NoduleCandidate] = []
    for index, box in enumerate(ndimage.find_objects(labels), start=1):
        if box is None:
            continue
        region = labels[box] == index
        volume_ml = float(region.sum()) * voxel_ml
        diameter = float((6.0 * volume_ml * 1000.0 / np.pi) ** (1.0 / 3.0))
        if not min_diameter_mm <= diameter <= max_diameter_mm:
            continue
        coords = np.argwhere(region) * np.asarray(spacing)
        if len(coords) > 3:
            eig = np.sort(np.linalg.eigvalsh(np.cov(coords.T) + 1e-6 * np.eye(3)))
            if np.sqrt(eig[-1] / max(eig[-2], 1e-6)) > 3.0:
                continue
        zz, yy, xx = np.nonzero(region)
        cz, cy, cx = zz.mean() + box[0].start, yy.mean() + box[1].start, xx.mean() + box[2].start
        extent = max((yy.max() - yy.min() + 1) * spacing[1], (xx.max() - xx.min() + 1) * spacing[2])
        found.append(
            NoduleCandidate(
                diameter_mm=round(diameter, 1),
                axial_extent_mm=round(float(extent), 1),
                volume_ml=round(volume_ml, 2),
                slice_index=round(cz),
                centroid_zyx=(round(float(cz), 1), round(float(cy), 1), round(float(cx), 1)),
                mean_hu=round(float(hu[box][region].mean()), 1),
                slices=(int(box[0].start), int(box[0].stop - 1)),
            )
        )
    return sorted(found, key=lambda c: -c.volume_ml)


def quantify_ct(hu: FloatVolume, spacing: tuple[float, float, float]) -> CTMeasurements:
    """Lung volume, %LAA-950 and nodule candidates of a chest CT HU volume ``[z, y, x]``.

    Args:
        hu: Hounsfield units, axial slices ordered along z.
        spacing: Voxel size ``(z, y, x)`` in millimetres.

    Raises:
        QuantitationError: On an implausible volume or when no lungs are found.
    """
    return quantify_ct_with_mask(hu, spacing)[0]


def quantify_ct_with_mask(
    hu: FloatVolume, spacing: tuple[float, float, float]
) -> tuple[CTMeasurements, BoolVolume]:
    """:func:`quantify_ct` and the lung mask it measured (``[z, y, x]``), for display."""
    hu = np.asarray(hu, dtype=np.float32)
    if hu.ndim != 3 or hu.shape[0] < 3 or min(spacing) <= 0:
        raise QuantitationError(f"Expected a 3-D CT volume with positive spacing, got {hu.shape}.")
    lungs, airways = lung_mask(hu, spacing)
    voxel_ml = float(np.prod(spacing)) / 1000.0
    lung_voxels = hu[lungs]
    warnings = []
    if spacing[0] > 3.0:
        warnings.append(f"thick slices ({spacing[0]:.1f} mm): %LAA-950 and small nodules are less reliable")
    if not airways.any():
        warnings.append("trachea not found; airway air may be counted as lung")
    measured = CTMeasurements(
        lung_volume_l=round(float(lungs.sum()) * voxel_ml / 1000.0, 3),
        laa950_percent=round(100.0 * float((lung_voxels < LAA_HU).mean()), 2),
        airway_volume_ml=round(float(airways.sum()) * voxel_ml, 1),
        nodule_candidates=nodule_candidates(hu, lungs, spacing),
        warnings=warnings,
    )
    return measured, lungs
