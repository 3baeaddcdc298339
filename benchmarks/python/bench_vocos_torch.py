#!/usr/bin/python3
"""PyTorch CPU baseline for the Vocos mel vocoder (full published size, random weights).

Builds the charactr/vocos-mel-24khz architecture (dim 512, intermediate 1536, 8 ConvNeXt blocks,
n_fft 1024, hop 256, 100 mels) from python/lewm_reference/vocos.py with Vocos's default random
initialisation, and times float32 eager decoding of a random log-mel of the requested duration:
whole decode, backbone alone, and head + inverse STFT alone, at several intra-op thread counts.

    /usr/bin/python3 benchmarks/python/bench_vocos_torch.py --seconds 10 --json

Timings are medians over --runs runs after --warmup runs. The machine's load average is recorded
before and after, because other jobs on a shared machine skew the numbers.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))

from lewm_reference import vocos as V  # noqa: E402

MEL_SEED = 1234
WEIGHT_SEED = 0


def time_ms(fn, runs, warmup):
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1e3)
    return {
        "median_ms": statistics.median(samples),
        "min_ms": min(samples),
        "max_ms": max(samples),
        "mean_ms": statistics.fmean(samples),
        "runs": runs,
    }


def thread_settings(text, default):
    out = []
    for item in text.split(","):
        item = item.strip()
        out.append(("default", default) if item == "default" else (item, int(item)))
    return out


def main():
    parser = argparse.ArgumentParser(description="Vocos PyTorch CPU decode benchmark")
    parser.add_argument("--seconds", type=float, default=10.0, help="audio duration to decode (10 s = 938 frames)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--threads", default="default,1,2",
                        help="comma-separated intra-op thread counts; 'default' = torch's own setting")
    parser.add_argument("--padding", choices=V.PADDINGS, default="center")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args()

    default_threads = torch.get_num_threads()
    load_before = os.getloadavg()

    torch.manual_seed(WEIGHT_SEED)
    model = V.from_config(V.make_config(padding=args.padding)).eval()
    frames = V.frames_for_seconds(args.seconds)
    g = torch.Generator().manual_seed(MEL_SEED)
    mel = torch.randn(1, 100, frames, generator=g) * 2.0 - 6.0  # roughly the range of a speech log-mel
    with torch.inference_mode():
        hidden = model.backbone(mel)
        samples = model.decode(mel).shape[-1]

    results = []
    for label, threads in thread_settings(args.threads, default_threads):
        torch.set_num_threads(threads)
        with torch.inference_mode():
            decode = time_ms(lambda: model.decode(mel), args.runs, args.warmup)
            backbone = time_ms(lambda: model.backbone(mel), args.runs, args.warmup)
            head = time_ms(lambda: model.head(hidden), args.runs, args.warmup)
        results.append({
            "threads": label,
            "num_threads": torch.get_num_threads(),
            "decode": decode,
            "backbone": backbone,
            "head_istft": head,
            "real_time_factor": decode["median_ms"] / 1e3 / (samples / 24000),
            "loadavg_after": os.getloadavg(),
        })
    torch.set_num_threads(default_threads)

    first = results[0]
    report = {
        "benchmark": "vocos-mel-24khz decode, PyTorch eager float32, CPU",
        "median_ms": first["decode"]["median_ms"],
        "median_ms_threads": first["threads"],
        "seconds": args.seconds,
        "frames": frames,
        "samples": samples,
        "padding": args.padding,
        "parameters": V.parameter_count(model),
        "results": results,
        "torch": torch.__version__,
        "default_num_threads": default_threads,
        "cpu_count": os.cpu_count(),
        "machine": platform.machine(),
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(),
        "blas": [line.strip() for line in torch.__config__.show().splitlines() if "BLAS_INFO" in line][:1],
    }
    if args.json:
        print(json.dumps(report, indent=1))
        return

    print(f"Vocos (dim 512, 8 blocks, {report['parameters']:,} parameters), {frames} frames -> {samples} samples, "
          f"torch {torch.__version__}, {os.cpu_count()} CPUs, load {load_before[0]:.2f}")
    print(f"{'threads':>8} {'decode ms':>10} {'backbone ms':>12} {'head+istft ms':>14} {'RTF':>7}  load")
    for r in results:
        print(f"{r['threads']:>8} {r['decode']['median_ms']:10.1f} {r['backbone']['median_ms']:12.1f} "
              f"{r['head_istft']['median_ms']:14.1f} {r['real_time_factor']:7.3f}  {r['loadavg_after'][0]:.2f}")


if __name__ == "__main__":
    main()
