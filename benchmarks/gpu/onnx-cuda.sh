#!/usr/bin/env bash
# One command on a machine with an NVIDIA GPU: LeWM on ONNX Runtime's CUDA provider, one request and a batch of 64.
#
#   benchmarks/gpu/onnx-cuda.sh [--model DIR] [--vocoder DIR] [--seconds S] [--batch N] [--rounds R] [--precision P]
#
# Needs the .NET 10 SDK, an NVIDIA driver, CUDA 12 and cuDNN 9 (what Microsoft.ML.OnnxRuntime.Gpu 1.31 loads).
# It builds lewm with ONNX Runtime's CUDA natives (-p:LeWmOnnxRuntime=Gpu), and by default measures the base preset
# with random weights and a full-size random-weight Vocos (the published charactr/vocos-mel-24khz shapes), both
# exported to ONNX in float32 and in float16 (--precision float32|float16 keeps one); --model/--vocoder take a
# trained checkpoint or Vocos folder (or their ONNX exports, measured as they are) instead.
# Prints `lewm bench synthesize --json` for batch 1 (the single-request figures: real-time factor, first audio,
# KV cache) and for batch N (default 64: batch_realtime_factor is the throughput in seconds of audio per second).
# For comparison, the original's published figures on an A100: 9x real time for one request, 359x for batch 64.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
model="" vocoder="" seconds=10 batch=64 rounds=3 precisions="float32 float16"
while (($#)); do
  case "$1" in
    --model) model=$2; shift 2 ;;
    --vocoder) vocoder=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --precision) precisions=$2; shift 2 ;;
    *) echo "onnx-cuda.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

command -v nvidia-smi >/dev/null 2>&1 || { echo "onnx-cuda.sh: no nvidia-smi: this needs an NVIDIA GPU and its driver" >&2; exit 2; }
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader

work=${LEWM_GPU_WORK:-$(mktemp -d)}
echo "working folder: $work"
dotnet publish "$repo/src/LeWm.Cli" -c Release -p:LeWmOnnxRuntime=Gpu -o "$work/lewm" >/dev/null
lewm=(dotnet "$work/lewm/lewm.dll")

if [ -z "$model" ]; then
  model="$work/base"
  [ -f "$model/config.json" ] || "${lewm[@]}" init --preset base --seed 1 -o "$model" >/dev/null
fi
if [ -z "$vocoder" ]; then
  vocoder="$work/vocos-full"
  [ -f "$vocoder/config.yaml" ] || dotnet run -c Release --project "$repo/benchmarks/LeWm.Benchmarks" -- make-vocos "$vocoder" >/dev/null
fi

# Export what is not already an ONNX folder (a config.json with "kind"), once per precision.
onnx_folder() { # $1 source, $2 kind flag (--model|--vocoder), $3 target, $4 precision
  if [ -f "$1/config.json" ] && grep -q '"kind"' "$1/config.json"; then echo "$1"; return; fi
  [ -f "$3/config.json" ] || "${lewm[@]}" export onnx "$2" "$1" -o "$3" --precision "$4" >/dev/null
  echo "$3"
}
for precision in $precisions; do
  model_onnx=$(onnx_folder "$model" --model "$work/model-onnx-$precision" "$precision")
  vocoder_onnx=$(onnx_folder "$vocoder" --vocoder "$work/vocoder-onnx-$precision" "$precision")
  for n in 1 "$batch"; do
    echo "== $precision, batch $n"
    "${lewm[@]}" bench synthesize --model "$model_onnx" --vocoder "$vocoder_onnx" --device cuda \
      --seconds "$seconds" --rounds "$rounds" --batch "$n" --json | tail -n 1
  done
done
