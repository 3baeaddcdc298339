#!/usr/bin/env bash
# Replaces the voice that LeWm.Voices.Hindi ships with a trained checkpoint, in both of the package's forms:
#   src/LeWm.Voices.Hindi/voice/checkpoint/  config.json + float16 model.safetensors (fine-tuning, TorchSharp backend)
#   src/LeWm.Voices.Hindi/voice/onnx/        the ONNX export of that float16 checkpoint (what UseDefaultVoice() runs)
# Both come from the same float16 weights, so ShippedVoiceExportTests (LeWm.Onnx.Tests) holds them equal.
# Usage: scripts/install-hindi-voice.sh CHECKPOINT_DIR [LEWM]
#   CHECKPOINT_DIR  a training run's best/ (or last/) folder
#   LEWM            how to run the CLI (default: dotnet run --project src/LeWm.Cli -c Release --)
set -euo pipefail
cd "$(dirname "$0")/.."
checkpoint=${1:?usage: scripts/install-hindi-voice.sh CHECKPOINT_DIR [LEWM]}
lewm=${2:-"dotnet run --project src/LeWm.Cli -c Release --"}
voice=src/LeWm.Voices.Hindi/voice
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

$lewm export fp16 --model "$checkpoint" -o "$work/checkpoint"
$lewm export onnx --model "$work/checkpoint" -o "$work/onnx"
rm -rf "$voice/checkpoint" "$voice/onnx"
mkdir -p "$voice"
mv "$work/checkpoint" "$voice/checkpoint"
mv "$work/onnx" "$voice/onnx"
du -b "$voice"/checkpoint/* "$voice"/onnx/*
