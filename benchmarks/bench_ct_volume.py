"""CT volume loading: time to a HU volume, and parallel decode vs a plain pydicom loop.

Uses the 64-slice TCIA chest CT A0001 from ../shared/data. Figures are medians of
several repeats in this process (files warm in the page cache after the first pass):

    python benchmarks/bench_ct_volume.py --repeats 7
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pydicom

from imaging.volume import default_workers, load_ct_volume, read_slices

REPO = Path(__file__).resolve().parents[1]
SERIES = REPO.parent / "shared" / "data" / "dicom" / "lung_pet_ct_dx" / "Lung_Dx-A0001_series2_5mm"
TARGET_S = 1.0


def plain_pydicom_loop(paths: list[Path]) -> np.ndarray:
    """The baseline: dcmread each file, pixel_array, rescale, sort by z, stack."""
    slices = []
    for path in paths:
        ds = pydicom.dcmread(path)
        hu = ds.pixel_array.astype(np.float32) * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
        slices.append((float(ds.ImagePositionPatient[2]), hu))
    slices.sort(key=lambda s: -s[0])
    return np.stack([s[1] for s in slices])


def interleaved_medians(variants: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median wall time per variant, running the variants in turn each round.

    Interleaving spreads the noise of a shared machine evenly over the variants.
    """
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repeats):
        for name, fn in variants.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> int:
    """Print load times, throughput and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    paths = sorted(SERIES.glob("*.dcm"))
    if len(paths) != 64:
        print(f"A0001 series not found at {SERIES}; nothing to measure.")
        return 2
    megabytes = sum(p.stat().st_size for p in paths) / 1e6

    start = time.perf_counter()
    volume = load_ct_volume(paths, workers=args.workers)
    first = time.perf_counter() - start
    t = interleaved_medians(
        {
            "load": lambda: load_ct_volume(paths, workers=args.workers),
            "load_seq": lambda: load_ct_volume(paths, workers=1),
            "baseline": lambda: plain_pydicom_loop(paths),
            "decode_par": lambda: read_slices(paths, args.workers),
            "decode_seq": lambda: read_slices(paths, 1),
        },
        args.repeats,
    )
    load, load_seq, baseline = t["load"], t["load_seq"], t["baseline"]
    decode_par, decode_seq = t["decode_par"], t["decode_seq"]

    n = len(paths)
    print(f"series: A0001, {n} slices, volume {volume.shape}, {megabytes:.1f} MB on disk")
    print(f"cpu cores visible: {default_workers()}, reader threads: {args.workers}")
    print(f"load_ct_volume, first call:         {first:.3f} s")
    verdict = "meets" if load <= TARGET_S else "MISSES"
    print(f"load_ct_volume, median:             {load:.3f} s ({verdict} target <= {TARGET_S} s)")
    print(f"load_ct_volume, 1 thread, median:   {load_seq:.3f} s")
    print(f"plain pydicom loop, median:         {baseline:.3f} s ({n / baseline:.0f} slices/s)")
    print(f"parallel decode, median:            {decode_par:.3f} s ({n / decode_par:.0f} slices/s)")
    print(f"sequential decode, median:          {decode_seq:.3f} s ({n / decode_seq:.0f} slices/s)")
    print(f"ratio parallel decode / plain loop (throughput): {baseline / decode_par:.2f}x")
    print(f"ratio parallel / sequential decode (throughput): {decode_seq / decode_par:.2f}x")
    print(f"ratio load_ct_volume / plain loop (throughput):  {baseline / load:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
