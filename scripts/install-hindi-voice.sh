#!/usr/bin/env bash
# Replaces the voice that LeWm.Voices.Hindi ships with a trained checkpoint, in both of the package's forms:
#   src/LeWm.Voices.Hindi/voice/checkpoint/  config.json + float16 model.safetensors (fine-tuning, TorchSharp backend)
#   src/LeWm.Voices.Hindi/voice/onnx/        the ONNX export of that float16 checkpoint (what UseDefaultVoice() runs)
# Both come from the same float16 weights, so ShippedVoiceExportTests (LeWm.Onnx.Tests) holds them equal.
# Usage: scripts/install-hindi-voice.sh [--temperature X] CHECKPOINT_DIR [LEWM]
#   --temperature X  the voice's sampling_temperature (what requests without their own temperature use; the value
#                    its figures were measured with, `lewm eval --temperature X`); default: the checkpoint's own
#   CHECKPOINT_DIR   a training run's best/ (or last/) folder
#   LEWM             how to run the CLI (default: dotnet run --project src/LeWm.Cli -c Release --)
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: scripts/install-hindi-voice.sh [--temperature X] CHECKPOINT_DIR [LEWM]"
temperature=
if [ "${1:-}" = "--temperature" ]; then
  temperature=${2:?$usage}
  shift 2
fi
checkpoint=${1:?$usage}
lewm=${2:-"dotnet run --project src/LeWm.Cli -c Release --"}
voice=src/LeWm.Voices.Hindi/voice
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

$lewm export fp16 --model "$checkpoint" -o "$work/checkpoint"
if [ -n "$temperature" ]; then
  python3 - "$work/checkpoint/config.json" "$temperature" <<'PY'
import json, sys
path, value = sys.argv[1], float(sys.argv[2])
config = json.load(open(path, encoding="utf-8"))
config["sampling_temperature"] = value
with open(path, "w", encoding="utf-8") as f:
    json.dump(config, f, ensure_ascii=False, indent=2)
    f.write("\n")
PY
fi
$lewm export onnx --model "$work/checkpoint" -o "$work/onnx"
rm -rf "$voice/checkpoint" "$voice/onnx"
mkdir -p "$voice"
mv "$work/checkpoint" "$voice/checkpoint"
mv "$work/onnx" "$voice/onnx"
du -b "$voice"/checkpoint/* "$voice"/onnx/*
