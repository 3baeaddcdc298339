#!/usr/bin/python3
"""PyTorch CPU peer of the LeWm.Model benchmarks (benchmarks/LeWm.Benchmarks/Model/), same shapes.

Builds the base preset of python/lewm_reference/lewm.py (random weights, float32, CPU) and times:

  train_step      zero_grad + every loss of a batch of 8 x 10 s (938 mel frames, 150 text bytes each)
                  + backward of the total + AdamW step (lr 1e-4, weight decay 0.01), training mode
  predictor_step  one predictor step, batch 1, inference mode, with 200 frames in the KV cache
                  (each run starts from the same 200-frame cache: the step builds new tensors and
                  never mutates the cache it reads, so a shallow copy restores it for free)
  full_prefix     the cache-less equivalent: one causal predictor pass over all 201 rows
  synthesize      (--e2e) one request of 10 s of speech, text -> waveform, as `lewm bench synthesize` times
                  it: text encoder + cross-attention K/V, 234 AR steps with the KV cache (the predicted latent
                  fed back), the mel decoder, and a full-size Vocos (random weights) -> 10 s of audio; each
                  stage timed as well

    /usr/bin/python3 benchmarks/python/bench_lewm_torch.py --json

Timings are medians over --runs (--train-runs for the training step) after warm-up runs, at each
intra-op thread count of --threads. The load average is recorded, because other jobs on a shared
machine skew the numbers.
"""

import argparse
import copy
import json
import os
import platform
import statistics
import sys
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))

from lewm_reference import lewm as L  # noqa: E402
from lewm_reference import vocos as V  # noqa: E402

TEN_SECOND_FRAMES = 938      # ceil(10 s * 24000 / 256)
TEXT_BYTES = 150
CACHED_FRAMES = 200
TRAIN_BATCH = 8
TEN_SECOND_LATENTS = 234     # 10 s at hop 256 and downsample 4


def time_ms(fn, runs, warmup, before=None):
    """Median and spread of fn() in ms; before() runs untimed ahead of every call."""
    samples = []
    for i in range(warmup + runs):
        if before is not None:
            before()
        start = time.perf_counter()
        fn()
        if i >= warmup:
            samples.append((time.perf_counter() - start) * 1e3)
    return {"median_ms": statistics.median(samples), "min_ms": min(samples), "max_ms": max(samples), "runs": runs}


def text_batch(config, batch, gen):
    data = torch.randint(0, 256, (batch, TEXT_BYTES), generator=gen)
    ids = torch.cat([torch.full((batch, 1), config.bos_id), data, torch.full((batch, 1), config.eos_id)], dim=1)
    return ids, torch.full((batch,), TEXT_BYTES + 2, dtype=torch.long)


def bench_train(args):
    torch.manual_seed(0)
    config = L.LeWmConfig.base()
    model = L.LeWmTts(config).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)
    gen = torch.Generator().manual_seed(1234)
    ids, text_lengths = text_batch(config, TRAIN_BATCH, gen)
    mel = torch.randn(TRAIN_BATCH, config.n_mels, TEN_SECOND_FRAMES, generator=gen) * 2.0 - 5.0
    mel_lengths = torch.full((TRAIN_BATCH,), TEN_SECOND_FRAMES, dtype=torch.long)
    batch = {"text": ids, "text_lengths": text_lengths, "mel": mel, "mel_lengths": mel_lengths}

    def step():
        optimizer.zero_grad()
        out = model(batch, kl_weight=config.kl_weight)
        out["total"].backward()
        optimizer.step()
        return float(out["total"])

    return time_ms(step, args.train_runs, args.train_warmup)


def bench_predictor(args):
    torch.manual_seed(0)
    config = L.LeWmConfig.base()
    model = L.LeWmTts(config).eval()
    gen = torch.Generator().manual_seed(1234)
    with torch.inference_mode():
        ids, lengths = text_batch(config, 1, gen)
        _, mask, ks, vs = model.encode_text(ids, lengths)
        latents = torch.randn(1, CACHED_FRAMES + 1, config.latent_size, generator=gen)
        prompt = latents[:, :CACHED_FRAMES - 1]                      # start + 199 latents = 200 cached frames
        snapshot = model.predictor.new_cache(ks, vs, mask)
        model.predictor.prefill(prompt, torch.tensor([CACHED_FRAMES - 1]), snapshot)
        assert snapshot.length == CACHED_FRAMES, snapshot.length
        next_input = latents[:, CACHED_FRAMES - 1]
    state = {}

    def restore():
        state["cache"] = copy.copy(snapshot)                           # feed() rebinds, never mutates, the lists

    def step():
        with torch.inference_mode():
            _, stop, cache = model.predictor.step(next_input, state["cache"])
            assert cache.length == CACHED_FRAMES + 1
            return float(stop[0])

    def full_prefix():
        with torch.inference_mode():
            _, stop = model.predictor(latents, ks, vs, mask)
            return float(stop[0, -1])

    return (time_ms(step, args.runs, args.warmup, before=restore),
            time_ms(full_prefix, args.runs, args.warmup))


def bench_e2e(args):
    """One 10 s request end to end; returns the total and per-stage medians in ms."""
    torch.manual_seed(0)
    config = L.LeWmConfig.base()
    model = L.LeWmTts(config).eval()
    vocos = V.from_config(V.make_config()).eval()
    gen = torch.Generator().manual_seed(1234)
    ids, lengths = text_batch(config, 1, gen)
    stages = {"text": [], "ar": [], "decoder": [], "vocoder": [], "total": []}
    for i in range(args.e2e_warmup + args.e2e_runs):
        with torch.inference_mode():
            t0 = time.perf_counter()
            _, mask, ks, vs = model.encode_text(ids, lengths)
            cache = model.new_cache(mask, ks, vs)
            t1 = time.perf_counter()
            latent, frames = None, []
            for _ in range(TEN_SECOND_LATENTS):
                latent, _, cache = model.step(latent, cache)
                frames.append(latent)
            t2 = time.perf_counter()
            mel = model.decode(torch.stack(frames, dim=1))
            t3 = time.perf_counter()
            audio = vocos.decode(mel)
            t4 = time.perf_counter()
        assert audio.shape[-1] >= 239_000, audio.shape
        if i >= args.e2e_warmup:
            for key, value in (("text", t1 - t0), ("ar", t2 - t1), ("decoder", t3 - t2), ("vocoder", t4 - t3), ("total", t4 - t0)):
                stages[key].append(value * 1e3)
    return {key: statistics.median(values) for key, values in stages.items()} | {"runs": args.e2e_runs}


def main():
    parser = argparse.ArgumentParser(description="LeWM PyTorch CPU benchmarks (base preset)")
    parser.add_argument("--runs", type=int, default=30, help="measured predictor runs")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--train-runs", type=int, default=3, help="measured training steps")
    parser.add_argument("--train-warmup", type=int, default=1)
    parser.add_argument("--threads", default="default",
                        help="comma-separated intra-op thread counts; 'default' = torch's own setting")
    parser.add_argument("--skip-train", action="store_true", help="time only the predictor")
    parser.add_argument("--e2e", action="store_true", help="also time one 10 s request end to end (with Vocos)")
    parser.add_argument("--e2e-runs", type=int, default=3)
    parser.add_argument("--e2e-warmup", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args()

    default_threads = torch.get_num_threads()
    load_before = os.getloadavg()
    results = []
    for item in args.threads.split(","):
        item = item.strip()
        torch.set_num_threads(default_threads if item == "default" else int(item))
        step, full = bench_predictor(args)
        train = None if args.skip_train else bench_train(args)
        e2e = bench_e2e(args) if args.e2e else None
        results.append({"threads": item, "num_threads": torch.get_num_threads(), "train_step": train,
                        "predictor_step": step, "full_prefix": full, "synthesize": e2e, "loadavg_after": os.getloadavg()})
    torch.set_num_threads(default_threads)

    report = {
        "benchmark": "LeWM base preset, PyTorch eager float32, CPU",
        "train_batch": f"{TRAIN_BATCH} x {TEN_SECOND_FRAMES} mel frames, {TEXT_BYTES} text bytes",
        "cached_frames": CACHED_FRAMES,
        "parameters": L.LeWmTts(L.LeWmConfig.base()).parameter_counts()["total"],
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

    print(f"LeWM base ({report['parameters']:,} parameters), torch {torch.__version__}, "
          f"{os.cpu_count()} CPUs, load {load_before[0]:.2f}")
    print(f"{'threads':>8} {'train step ms':>14} {'step@200 ms':>12} {'full prefix ms':>15} {'10 s e2e ms':>12}  load")
    for r in results:
        train = "-" if r["train_step"] is None else f"{r['train_step']['median_ms']:.0f}"
        e2e = "-" if r["synthesize"] is None else f"{r['synthesize']['total']:.0f}"
        print(f"{r['threads']:>8} {train:>14} {r['predictor_step']['median_ms']:12.2f} "
              f"{r['full_prefix']['median_ms']:15.2f} {e2e:>12}  {r['loadavg_after'][0]:.2f}")
        if r["synthesize"] is not None:
            print("         stages: " + ", ".join(f"{k} {v:.0f} ms" for k, v in r["synthesize"].items() if k not in ("total", "runs")))


if __name__ == "__main__":
    main()
