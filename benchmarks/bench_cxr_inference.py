"""Benchmark: one chest X-ray study end to end, and batched vs naive per-image inference.

Prints:
* end-to-end latency of one study on CPU (decode DICOM, preprocess, infer, Grad-CAM heatmap
  overlay PNG), median of several runs; target <= 1 s;
* throughput of ``InferenceEngine.predict`` on a batch vs a naive per-image fp32 loop
  (one forward per image, no batching), as a ratio measured in the same process;
* the same on CUDA (bf16 autocast + channels_last) when a CUDA device is present, else
  'not run'.

Run: ``nice -n 10 .venv/bin/python benchmarks/bench_cxr_inference.py [--images N]``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from imaging.dicom_io import read_dataset
from imaging.gradcam import write_overlay
from imaging.inference import InferenceEngine
from imaging.pixels import display_array
from imaging.preprocess import load_image_file
from imaging.registry import get_model_entry

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
STUDY = SHARED / "dicom" / "xrv_siim" / "1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm"
KERMANY = SHARED / "cxr" / "kermany" / "images"


def end_to_end(engine: InferenceEngine, runs: int) -> float:
    """Median seconds for decode + preprocess + infer + heatmap of one DICOM study."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs + 1):
            start = time.perf_counter()
            image = display_array(read_dataset(STUDY))
            findings = engine.predict([image])[0]
            label = max(findings, key=lambda f: f.probability).label
            write_overlay(engine, image, label, Path(tmp) / f"cam{i}.png")
            if i:  # first run warms caches
                times.append(time.perf_counter() - start)
    return statistics.median(times)


def naive_loop(engine: InferenceEngine, images: list[np.ndarray]) -> float:
    """Images per second, one fp32 forward per image (no batching, no autocast)."""
    model = engine.model.float()
    start = time.perf_counter()
    with torch.inference_mode():
        for image in images:
            x = engine.prepare([image]).to(engine.device)
            torch.sigmoid(model(x)).cpu()
    if engine.device.type == "cuda":
        torch.cuda.synchronize()
    return len(images) / (time.perf_counter() - start)


def batched(engine: InferenceEngine, images: list[np.ndarray], batch_size: int) -> float:
    """Images per second through ``engine.predict`` with the given batch size."""
    engine.predict(images[:batch_size], batch_size=batch_size)  # warm-up
    start = time.perf_counter()
    engine.predict(images, batch_size=batch_size)
    if engine.device.type == "cuda":
        torch.cuda.synchronize()
    return len(images) / (time.perf_counter() - start)


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: default)")
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    entry = get_model_entry()
    images = [load_image_file(p) for p in sorted(KERMANY.glob("*.jpeg"))[: args.images]]
    print(f"model {entry.card_id}, {len(images)} images, torch threads {torch.get_num_threads()}")
    cpu = InferenceEngine(entry, device="cpu")
    latency = end_to_end(cpu, args.runs)
    print(f"CPU end-to-end one study (decode, preprocess, infer, heatmap): {latency:.3f} s (target <= 1 s)")
    naive, fast = naive_loop(cpu, images), batched(cpu, images, args.batch_size)
    print(
        f"CPU naive per-image fp32: {naive:.1f} img/s; batched ({args.batch_size}): "
        f"{fast:.1f} img/s; ratio {fast / naive:.2f}x"
    )
    if not torch.cuda.is_available():
        print("CUDA: not run (no CUDA device on this machine)")
        return
    gpu = InferenceEngine(entry, device="cuda")
    print(f"CUDA end-to-end one study: {end_to_end(gpu, args.runs):.3f} s")
    naive, fast = naive_loop(gpu, images), batched(gpu, images, args.batch_size)
    print(
        f"CUDA naive per-image fp32: {naive:.1f} img/s; batched bf16 channels_last: "
        f"{fast:.1f} img/s; ratio {fast / naive:.2f}x (target >= 3x)"
    )


if __name__ == "__main__":
    main()
