#!/usr/bin/env bash
# Builds a small held-out set whose sentences vary widely in length (one word to three clauses; 0.6-8 s of
# espeak-ng speech), to check that a voice's stop head follows the text rather than a typical sentence length:
# the main held-out set (make-hindi-training-corpus.sh) is too uniform in length for that (3.1 s mean, 0.45 s sd).
# The sentences, scripts/hindi-length-spread-sentences.txt, are not sentences of the training corpus.
#
#   OUT_DIR/hi/metadata.csv, OUT_DIR/hi/wavs/sNNN.wav   (speaker "hi": espeak-ng -v hi at its default rate)
#
# Then: lewm preprocess --input OUT_DIR --output DATA --evaluation
#       lewm eval --model MODEL --data DATA --all --json
# Needs espeak-ng (Debian/Ubuntu: apt-get install -y espeak-ng).
# Usage: scripts/make-hindi-length-spread-set.sh OUT_DIR
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUT_DIR" >&2; exit 2; }
if ! command -v espeak-ng >/dev/null 2>&1; then
  echo "$0: espeak-ng is not installed (Debian/Ubuntu: apt-get install -y espeak-ng)" >&2
  exit 2
fi
sentences="$(cd "$(dirname "$0")" && pwd)/hindi-length-spread-sentences.txt"
speaker="$1/hi"
mkdir -p "$speaker/wavs"
metadata="$speaker/metadata.csv.part"
: >"$metadata"
n=0
while IFS= read -r line; do
  [ -n "$line" ] || continue
  n=$((n + 1))
  id=$(printf 's%03d' "$n")
  espeak-ng -v hi -w "$speaker/wavs/$id.wav.part" "$line"
  mv "$speaker/wavs/$id.wav.part" "$speaker/wavs/$id.wav"
  printf '%s|%s\n' "$id" "$line" >>"$metadata"
done <"$sentences"
mv "$metadata" "$speaker/metadata.csv"
echo "$0: $n sentences -> $speaker"
