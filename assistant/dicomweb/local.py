"""DICOMweb answers computed from our own storage (the embedded default).

Metadata is the DICOM JSON model (PS3.18 F.2) of each de-identified file without its
pixel data; frames are returned uncompressed (Explicit VR Little Endian), so the
viewer never needs a codec. Both are derived from content-addressed files, so the
metadata of a key is cached for the life of the process.
"""

from __future__ import annotations

import threading
from typing import Any, BinaryIO

import pydicom
from pydicom.uid import ExplicitVRLittleEndian

from assistant.dicomweb.index import InstanceRef
from assistant.errors import NotFoundError
from assistant.storage import Storage, read_bytes

PIXEL_DATA = "7FE00010"
_STUDY_KEYS = ("00080020", "00080030", "00080050", "00080061", "00081030", "0020000D", "00200010")
_SERIES_KEYS = ("00080060", "0008103E", "0020000E", "00200011")
_INSTANCE_KEYS = ("00080016", "00080018", "00200013", "00280010", "00280011")


_META_CACHE: dict[str, dict[str, Any]] = {}
_META_CACHE_SIZE = 4096
_META_LOCK = threading.Lock()


def _metadata_of_key(storage: Storage, key: str) -> dict[str, Any]:
    """A key always names the same bytes, whichever backend holds them: cache by key alone."""
    found = _META_CACHE.get(key)
    if found is None:
        with storage.open(key) as fh:
            found = _metadata_of(fh)
        with _META_LOCK:
            if len(_META_CACHE) >= _META_CACHE_SIZE:
                _META_CACHE.pop(next(iter(_META_CACHE)))
            _META_CACHE[key] = found
    return found


def _metadata_of(source: str | BinaryIO) -> dict[str, Any]:
    ds = pydicom.dcmread(source, stop_before_pixels=True)
    ds.file_meta = pydicom.dataset.FileMetaDataset()
    out: dict[str, Any] = ds.to_json_dict()
    out["00020010"] = {"vr": "UI", "Value": [ExplicitVRLittleEndian]}
    return out


def frame_bytes(path: str | BinaryIO, frame_numbers: list[int]) -> list[bytes]:
    """The requested frames (1-based) as little-endian native pixel bytes.

    Encapsulated (compressed) pixel data is decoded first (PS3.5 A.4); the pixel module
    then describes the decoded values, which is what the metadata route already reports.
    """
    ds = pydicom.dcmread(path)
    if "PixelData" not in ds:
        raise NotFoundError("This instance has no pixel data.")
    if ds.file_meta.TransferSyntaxUID.is_compressed:
        ds.decompress()
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    bits = int(ds.BitsAllocated)
    size = int(ds.Rows) * int(ds.Columns) * int(ds.SamplesPerPixel) * bits // 8
    data: bytes = ds.PixelData
    if ds.file_meta.TransferSyntaxUID.is_little_endian is False or bits == 1:
        data = ds.pixel_array.astype(ds.pixel_array.dtype.newbyteorder("<")).tobytes()
    out = []
    for n in frame_numbers:
        if not 1 <= n <= frames:
            raise NotFoundError(f"Frame {n} not found; the instance has {frames}.")
        out.append(data[(n - 1) * size : n * size])
    return out


def _pick(meta: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: meta[k] for k in keys if k in meta}


class LocalDicomWeb:
    """QIDO-RS and WADO-RS answers for instances kept in our storage."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def _meta(self, ref: InstanceRef) -> dict[str, Any]:
        return _metadata_of_key(self.storage, ref.key)

    def metadata(self, refs: list[InstanceRef]) -> list[dict[str, Any]]:
        """DICOM JSON of each instance, without pixel data."""
        return [self._meta(r) for r in refs]

    def search_studies(self, studies: list[list[InstanceRef]]) -> list[dict[str, Any]]:
        """One QIDO study result per study (its first instance's study attributes)."""
        out = []
        for refs in studies:
            meta = _pick(self._meta(refs[0]), _STUDY_KEYS)
            meta["00201208"] = {"vr": "IS", "Value": [len(refs)]}
            meta["00201206"] = {"vr": "IS", "Value": [len({r.series_uid for r in refs})]}
            out.append(meta)
        return out

    def search_series(self, refs: list[InstanceRef]) -> list[dict[str, Any]]:
        """One QIDO series result per series of the given instances."""
        out = []
        for series_uid in dict.fromkeys(r.series_uid for r in refs):
            members = [r for r in refs if r.series_uid == series_uid]
            meta = _pick(self._meta(members[0]), _STUDY_KEYS[-2:] + _SERIES_KEYS)
            meta["00201209"] = {"vr": "IS", "Value": [len(members)]}
            out.append(meta)
        return out

    def search_instances(self, refs: list[InstanceRef]) -> list[dict[str, Any]]:
        """One QIDO instance result per instance."""
        keys = ("0020000D", "0020000E", *_INSTANCE_KEYS)
        return [_pick(self._meta(r), keys) for r in refs]

    def instance_bytes(self, ref: InstanceRef) -> bytes:
        """The whole de-identified Part 10 file."""
        return read_bytes(self.storage, ref.key)

    def frames(self, ref: InstanceRef, numbers: list[int]) -> list[bytes]:
        """Uncompressed frames of one instance."""
        with self.storage.open(ref.key) as fh:
            return frame_bytes(fh, numbers)
