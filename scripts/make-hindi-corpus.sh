#!/usr/bin/env bash
# Builds a small Hindi speech corpus with espeak-ng, in the layout `lewm preprocess` reads:
#
#   OUT_DIR/<speaker>/metadata.csv     LJSpeech layout: id|text, UTF-8
#   OUT_DIR/<speaker>/wavs/<id>.wav    22.05 kHz 16-bit mono, as espeak-ng writes it
#
# Three speakers are espeak-ng's Hindi voice and two of its variants (hi, hi+f3, hi+m3); each reads the first
# N_SENTENCES sentences (default 100) of scripts/hindi-sentences.txt. Speaker "hi" also reads one long recording,
# `long0001`: the last 12 sentences of that file joined by 0.8 s pauses (about 35 s), which preprocessing must cut
# at its pauses into 3-12 s segments and whose transcript it must split to match.
#
# The output is deterministic (same espeak-ng, same bytes) and takes a few seconds. Needs espeak-ng
# (Debian/Ubuntu: apt-get install -y espeak-ng).
#
# Usage: scripts/make-hindi-corpus.sh OUT_DIR [N_SENTENCES]
set -euo pipefail

usage() { echo "usage: $0 OUT_DIR [N_SENTENCES]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
out=$1
count=${2:-100}
here=$(cd "$(dirname "$0")" && pwd)
sentences="$here/hindi-sentences.txt"

if ! command -v espeak-ng >/dev/null 2>&1; then
  echo "$0: espeak-ng is not installed (Debian/Ubuntu: apt-get install -y espeak-ng)" >&2
  exit 2
fi

total=$(grep -c . "$sentences")
if ! [[ "$count" =~ ^[0-9]+$ ]] || [ "$count" -lt 1 ] || [ "$count" -gt "$total" ]; then
  echo "$0: N_SENTENCES must be a whole number from 1 to $total (got '$count')" >&2
  exit 2
fi

jobs=$(nproc 2>/dev/null || echo 2)
long_sentences=12
export LC_ALL=C.UTF-8

# speaker folder name and espeak-ng voice
speakers=("hi:hi" "hi-f3:hi+f3" "hi-m3:hi+m3")

work=$(mktemp)
trap 'rm -f "$work"' EXIT
for entry in "${speakers[@]}"; do
  speaker=${entry%%:*}
  voice=${entry#*:}
  folder="$out/$speaker"
  mkdir -p "$folder/wavs"
  : > "$folder/metadata.csv"
  i=0
  while IFS= read -r line && [ "$i" -lt "$count" ]; do
    [ -n "$line" ] || continue
    i=$((i + 1))
    id=$(printf '%04d' "$i")
    printf '%s|%s\n' "$id" "$line" >> "$folder/metadata.csv"
    # One NUL-separated job per sentence: voice, output file, text.
    printf '%s\0%s\0%s\0' "$voice" "$folder/wavs/$id.wav" "$line" >> "$work"
  done < "$sentences"
done

# The long recording: sentences joined by SSML breaks.
long_text=$(grep . "$sentences" | tail -n "$long_sentences" | paste -sd ' ')
ssml="<speak>$(grep . "$sentences" | tail -n "$long_sentences" | sed 's|$|<break time="800ms"/>|' | paste -sd ' ')</speak>"
printf '%s|%s\n' "long0001" "$long_text" >> "$out/hi/metadata.csv"
espeak-ng -v hi -m -w "$out/hi/wavs/long0001.wav" "$ssml"

xargs -0 -n 3 -P "$jobs" sh -c 'espeak-ng -v "$0" -w "$1" "$2"' < "$work"

echo "make-hindi-corpus: $((count * ${#speakers[@]} + 1)) recordings of ${#speakers[@]} speakers in $out"
