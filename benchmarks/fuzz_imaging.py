"""Fuzz the imaging ingest with mutated real DICOM and zip bytes.

Every input must either ingest or fail with an ``imaging.errors.ImagingError``; any other
exception is a defect. Prints counts per outcome and exits non-zero on a defect.

    python benchmarks/fuzz_imaging.py --iterations 10000 --seed 1
"""

from __future__ import annotations

import argparse
import collections
import io
import logging
import random
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
from pathlib import Path

from pydicom.data import get_testdata_files

from imaging.archive import ArchiveLimits
from imaging.dicom_io import dicomdir_references
from imaging.errors import ImagingError
from imaging.ingest import ingest_path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data" / "dicom"
PYDICOM_SEEDS = ("CT_small.dcm", "MR_small_RLE.dcm", "SC_rgb_jpeg_dcmtk.dcm", "rtplan.dcm")
SHARED_SEEDS = ("highdicom/ct_image.dcm", "highdicom/dx_image.dcm", "highdicom/sr_document.dcm")
SHARED_SEEDS += ("highdicom/seg_image_ct_binary.dcm",)
LIMITS = ArchiveLimits(max_uncompressed_bytes=20_000_000, max_members=50, max_depth=1)
INTERESTING = (b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\xff\xff", b"\x00\x80", b"\x7f\xff")


def seeds() -> dict[str, bytes]:
    """Real DICOM files (shared data and pydicom's) and zip archives built from them."""
    found: dict[str, bytes] = {}
    files = [Path(p) for p in get_testdata_files() if Path(p).is_file()]
    by_name = {p.name: p for p in files if p.parent.name != "dicomdirtests"}
    for name in PYDICOM_SEEDS:
        if name in by_name:
            found[name] = by_name[name].read_bytes()
    for rel in SHARED_SEEDS:
        if (SHARED / rel).is_file():
            found[rel] = (SHARED / rel).read_bytes()
    dicoms = list(found.items())
    found["study.zip"] = make_zip({f"S/{n}": d for n, d in dicoms[:3]})
    found["nested.zip"] = make_zip({"inner.zip": make_zip({"a.dcm": dicoms[0][1]})})
    dicomdir = next((p for p in files if p.name == "DICOMDIR" and p.parent.name == "dicomdirtests"), None)
    if dicomdir is not None:
        members = {"STUDY/DICOMDIR": dicomdir.read_bytes()}
        for ref in dicomdir_references(dicomdir)[:3]:
            members["STUDY/" + ref.relative_to(dicomdir.parent).as_posix()] = ref.read_bytes()
        found["dicomdir.zip"] = make_zip(members)
    return found


def make_zip(members: dict[str, bytes]) -> bytes:
    """A deflated zip archive of ``members``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def mutate(data: bytes, rng: random.Random) -> bytes:
    """Apply 1-8 random byte-level mutations (flip, overwrite, insert, delete, cut)."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not buf:
            break
        pos = rng.randrange(len(buf))
        op = rng.randrange(6)
        if op == 0:
            buf[pos] ^= 1 << rng.randrange(8)
        elif op == 1:
            buf[pos] = rng.randrange(256)
        elif op == 2:
            value = rng.choice(INTERESTING)
            buf[pos : pos + len(value)] = value
        elif op == 3:
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif op == 4:
            del buf[pos : pos + rng.randint(1, 64)]
        else:
            del buf[pos:]
    return bytes(buf)


def run_one(data: bytes, name: str, workdir: Path) -> str:
    """Ingest one input and name the outcome; anything but a domain error propagates."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        src = Path(tmp) / Path(name).name
        src.write_bytes(data)
        try:
            result = ingest_path(src, Path(tmp) / "out", LIMITS)
        except ImagingError as e:
            return f"upload refused ({type(e).__name__})"
        result.model_dump_json()
        if not result.objects:
            return "nothing stored, problems reported"
        if result.problems:
            return "stored, with problems reported"
        return "stored, no problems"


def main() -> int:
    """Run the fuzz loop and print outcome counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    rng = random.Random(args.seed)
    corpus = seeds()
    names = sorted(corpus)
    counts: collections.Counter[str] = collections.Counter()
    defects: list[str] = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fuzz-") as work:
        for _ in range(args.iterations):
            name = rng.choice(names)
            data = mutate(corpus[name], rng)
            try:
                counts[run_one(data, name, Path(work))] += 1
            except Exception as e:  # a defect: anything but a domain error
                counts["DEFECT " + type(e).__name__] += 1
                defects.append(f"{name}: {type(e).__name__}: {e}\n{traceback.format_exc()}")
    elapsed = time.perf_counter() - start
    print(f"inputs: {args.iterations} from {len(names)} seeds in {elapsed:.1f} s")
    for outcome, n in counts.most_common():
        print(f"  {outcome:36s} {n}")
    print(f"non-domain exceptions: {len(defects)}")
    for text in defects[:5]:
        print(text)
    return 1 if defects else 0


if __name__ == "__main__":
    sys.exit(main())
