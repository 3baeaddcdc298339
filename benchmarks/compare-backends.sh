#!/usr/bin/env bash
# ONNX Runtime (CPU) against the TorchSharp backend on the same machine, in one run, alternating:
# the base preset (random weights, seed 1) + a full-size Vocos (random weights, the published mel-24khz shapes),
# one 10 s request, the KV-cache decode, a batch of 16, first streamed audio and peak memory.
#
#   benchmarks/compare-backends.sh            # ROUNDS=3 by default; WORK=DIR keeps the models between runs
#
# TorchSharp side: `lewm bench synthesize --model base --vocoder vocos-full` (checkpoint + TorchSharp Vocos).
# ONNX side:       `lewm bench synthesize --model base-onnx --vocoder vocos-onnx` (lewm export onnx of both).
# Prints one JSON line per measurement and a final line of medians per side.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${ROUNDS:-3}"
work="${WORK:-$(mktemp -d)}"
dotnet build src/LeWm.Cli -c Release -v:q -nologo >/dev/null
lewm="src/LeWm.Cli/bin/Release/net10.0/linux-x64/lewm"

[ -f "$work/vocos-full/config.yaml" ] || dotnet run -c Release --project benchmarks/LeWm.Benchmarks -- make-vocos "$work/vocos-full" >/dev/null
[ -f "$work/base/config.json" ] || "$lewm" init --preset base -o "$work/base" --seed 1 >/dev/null
[ -f "$work/vocos-onnx/config.json" ] || "$lewm" export onnx --vocoder "$work/vocos-full" -o "$work/vocos-onnx" >/dev/null
[ -f "$work/base-onnx/config.json" ] || "$lewm" export onnx --model "$work/base" -o "$work/base-onnx" >/dev/null

fields="median_ms realtime_factor kv_cache_ms batch16_ms first_audio_ms peak_mb"
: > "$work/torchsharp.jsonl"; : > "$work/onnx.jsonl"
for _ in $(seq "$rounds"); do
  "$lewm" bench synthesize --model "$work/base" --vocoder "$work/vocos-full" --seconds 10 --rounds 3 --no-cache-steps 2 --json \
    | tail -1 | tee -a "$work/torchsharp.jsonl"
  "$lewm" bench synthesize --model "$work/base-onnx" --vocoder "$work/vocos-onnx" --seconds 10 --rounds 3 --no-cache-steps 2 --json \
    | tail -1 | tee -a "$work/onnx.jsonl"
done

/usr/bin/env python3 - "$work" $fields <<'PY'
import json, statistics, sys
work, fields = sys.argv[1], sys.argv[2:]
sides = {side: [json.loads(l) for l in open(f"{work}/{side}.jsonl")] for side in ("torchsharp", "onnx")}
summary = {side: {f: statistics.median(r[f] for r in rows) for f in fields} for side, rows in sides.items()}
summary["onnx_speedup_end_to_end"] = summary["torchsharp"]["median_ms"] / summary["onnx"]["median_ms"]
summary["load"] = open("/proc/loadavg").read().split()[:3]
print(json.dumps(summary))
PY
