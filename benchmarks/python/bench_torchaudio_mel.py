#!/usr/bin/env python3
"""Times torchaudio's MelSpectrogram (the Vocos mel-24khz front end) on the same speech-like signal that
`lewm bench mel` uses, so the two can be compared on one machine in one run.

    /usr/bin/python3 benchmarks/python/bench_torchaudio_mel.py --seconds 10 --iterations 50 [--threads N] --json

Needs Debian's python3-torch and python3-torchaudio. Prints one JSON object (audio_seconds, median_ms,
min_ms, realtime_factor, threads) as its last line with --json.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torchaudio


def speech_like(samples: int, rate: int = 24000) -> torch.Tensor:
    """The same gliding harmonic tone as LeWm.Cli's BenchmarkAudio (noise differs: it only sets the floor)."""
    t = torch.arange(samples, dtype=torch.float64) / rate
    f0 = 120 + 40 * torch.sin(2 * math.pi * 0.7 * t)
    phase = torch.cumsum(2 * math.pi * f0 / rate, dim=0)
    voiced = 0.3 * torch.sin(phase) + 0.15 * torch.sin(2 * phase) + 0.08 * torch.sin(3 * phase)
    envelope = 0.5 + 0.5 * torch.sin(2 * math.pi * 3 * t)
    noise = 0.01 * (torch.rand(samples, generator=torch.Generator().manual_seed(1234), dtype=torch.float64) - 0.5)
    return (voiced * envelope + noise).to(torch.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--threads", type=int, default=0, help="torch.set_num_threads; 0 keeps the default")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)

    audio = speech_like(int(args.seconds * 24000))
    mel = torchaudio.transforms.MelSpectrogram(
        sample_rate=24000, n_fft=1024, hop_length=256, n_mels=100, center=True, power=1)

    def run() -> torch.Tensor:
        return torch.log(torch.clip(mel(audio), min=1e-7))

    with torch.inference_mode():
        for _ in range(min(5, args.iterations)):
            run()
        times = []
        for _ in range(args.iterations):
            start = time.perf_counter()
            run()
            times.append((time.perf_counter() - start) * 1000)

    median = statistics.median(times)
    result = {
        "stage": "mel",
        "implementation": f"torchaudio {torchaudio.__version__} / torch {torch.__version__}",
        "audio_seconds": args.seconds,
        "median_ms": round(median, 4),
        "min_ms": round(min(times), 4),
        "iterations": args.iterations,
        "realtime_factor": round(args.seconds / (median / 1000), 2),
        "threads": torch.get_num_threads(),
    }
    print(json.dumps(result) if args.json else
          f"torchaudio mel: {args.seconds} s in {median:.3f} ms (median of {args.iterations}, "
          f"{torch.get_num_threads()} threads)")


if __name__ == "__main__":
    main()
