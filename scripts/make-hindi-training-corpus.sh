#!/usr/bin/env bash
# Builds a Hindi training corpus of several hours with espeak-ng, plus a held-out evaluation corpus, in the layout
# `lewm preprocess` reads (one sub-folder per speaker, LJSpeech metadata):
#
#   OUT_DIR/train/<speaker>/metadata.csv      id|text, UTF-8
#   OUT_DIR/train/<speaker>/wavs/<id>.wav     22.05 kHz 16-bit mono, as espeak-ng writes it
#   OUT_DIR/heldout/<speaker>/...             the same, for the held-out sentences only
#
# Sentences (ids name the sentence, so one sentence has the same id under every speaker that reads it):
#   w0001…  scripts/hindi-training-sentences.txt: written sentences (questions, exclamations, quotes, digits)
#   t0001…  scripts/hindi-sentences.txt: the sentences of the small test corpus (make-hindi-corpus.sh)
#   g00001… GENERATED sentences (default 3000) of 4-14 words drawn with a fixed seed (42) from the hunspell-hi word
#           list (/usr/share/hunspell/hi_IN.dic) and common function words, ending in a danda or a question mark
#   h001…   scripts/hindi-heldout-sentences.txt: held out; never in train/ (the script stops if one is)
#
# Speakers are espeak-ng's Hindi voice and four variants. `lewm preprocess` names a speaker after its folder, and
# training numbers speakers in ordinal order of name, so "hi" (espeak-ng -v hi at its default rate) is speaker 0,
# the default voice:
#   hi     -v hi            every written/test sentence and the even-numbered generated ones
#   hi-f2  -v hi+f2 -s 160  half of the written/test sentences and a quarter of the odd generated ones
#   hi-f3  -v hi+f3         the other half of the written/test sentences and another quarter of the odd generated
#   hi-m1  -v hi+m1 -s 190  as hi-f2 (same half), another quarter;  hi-m3  -v hi+m3  as hi-f3, the last quarter
# Every generated sentence is read by exactly one speaker; each written/test sentence by "hi" and two others.
# The held-out sentences are read by every speaker, so the evaluation set has the same speakers (and ids) as training.
#
# Then (each folder is its own corpus; --evaluation marks the held-out one as an evaluation set):
#   lewm preprocess --input OUT_DIR/train   --output DATA/train
#   lewm preprocess --input OUT_DIR/heldout --output DATA/heldout --evaluation
#   lewm train --data DATA/train --output RUN --preset tiny      # the shipped voice; --resume after interruptions
#   lewm eval --model RUN/best --data DATA/heldout --json
# (`lewm train` still holds out ~5 % of DATA/train, by id hash, for its own validation; DATA/heldout is for
# evaluating the trained model on sentences it never saw.)
#
# Deterministic and idempotent: the same inputs and espeak-ng give the same files. A rerun rewrites metadata.csv,
# keeps WAVs that are already complete (each is written to a .part file and renamed), makes missing ones, and deletes
# WAVs that are no longer listed. Delete OUT_DIR to rebuild after an espeak-ng upgrade.
# Needs espeak-ng, hunspell-hi and python3 (Debian/Ubuntu: apt-get install -y espeak-ng hunspell-hi python3).
# JOBS (environment, default nproc) sets how many espeak-ng processes run at once.
#
# Usage: scripts/make-hindi-training-corpus.sh OUT_DIR [GENERATED]
set -euo pipefail

usage() { echo "usage: $0 OUT_DIR [GENERATED]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
out=$1
generated=${2:-3000}
here=$(cd "$(dirname "$0")" && pwd)
dictionary=/usr/share/hunspell/hi_IN.dic

if ! command -v espeak-ng >/dev/null 2>&1; then
  echo "$0: espeak-ng is not installed (Debian/Ubuntu: apt-get install -y espeak-ng)" >&2
  exit 2
fi
if [ ! -r "$dictionary" ]; then
  echo "$0: $dictionary not found: hunspell-hi is not installed (Debian/Ubuntu: apt-get install -y hunspell-hi)" >&2
  exit 2
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "$0: python3 is not installed (Debian/Ubuntu: apt-get install -y python3)" >&2
  exit 2
fi
if ! [[ "$generated" =~ ^[0-9]+$ ]] || [ "$generated" -gt 100000 ]; then
  echo "$0: GENERATED must be a whole number from 0 to 100000 (got '$generated')" >&2
  exit 2
fi

jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
export LC_ALL=C.UTF-8
mkdir -p "$out"
work=$(mktemp)
trap 'rm -f "$work"' EXIT

# Writes every metadata.csv and a NUL-separated job list (voice, rate, wav path, text) of the WAVs still missing.
python3 - "$out" "$generated" "$dictionary" "$here" "$work" <<'PY'
import os, random, re, sys

out, generated, dictionary, here, jobs_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]

def fail(message):
    sys.stderr.write(f"make-hindi-training-corpus: {message}\n")
    sys.exit(1)

def lines(name):
    with open(os.path.join(here, name), encoding="utf-8") as f:
        result = [" ".join(line.split()) for line in f]
    result = [line for line in result if line]
    for line in result:
        if "|" in line:
            fail(f"{name}: a sentence holds '|': {line}")
    seen = set()
    for line in result:
        if line in seen:
            fail(f"{name}: sentence listed twice: {line}")
        seen.add(line)
    return result

written = lines("hindi-training-sentences.txt")
test = lines("hindi-sentences.txt")
heldout = lines("hindi-heldout-sentences.txt")
held = set(heldout)
for name, group in (("hindi-training-sentences.txt", written), ("hindi-sentences.txt", test)):
    leaked = [s for s in group if s in held]
    if leaked:
        fail(f"{len(leaked)} held-out sentence(s) also in {name}, first: {leaked[0]}")
both = set(written) & set(test)
if both:
    fail(f"{len(both)} sentence(s) in both hindi-training-sentences.txt and hindi-sentences.txt, first: {sorted(both)[0]}")

# Real Hindi words: the hunspell-hi list (first line is the count; "/FLAGS" stripped), Devanagari letters only.
with open(dictionary, encoding="utf-8") as f:
    entries = [line.strip().split("/")[0] for line in f][1:]
words = sorted({w for w in entries if re.fullmatch("[\u0900-\u0963\u0971-\u097F]{2,}", w)})
if len(words) < 1000:
    fail(f"{dictionary} holds only {len(words)} usable words")
function_words = ["है", "हैं", "था", "थी", "थे", "में", "और", "का", "की", "के", "को", "से", "पर", "नहीं", "यह",
                  "वह", "भी", "तो", "ही", "एक", "कि", "लेकिन", "या", "अब", "बहुत", "कुछ", "सब", "हम", "आप", "मैं"]
endings = ["है", "हैं", "था", "थी", "थे", "होगा", "नहीं है"]

rng = random.Random(42)
known = set(written) | set(test) | held
made = []
while len(made) < generated:
    count = rng.randint(4, 14)
    sentence = []
    while len(sentence) < count - 1:
        if sentence and sentence[-1] not in function_words and rng.random() < 0.4:
            sentence.append(rng.choice(function_words))
        else:
            sentence.append(rng.choice(words))
        if len(sentence) >= 3 and rng.random() < 0.08 and len(sentence) < count - 2:
            sentence[-1] += ","
    sentence.append(rng.choice(endings))
    text = " ".join(sentence) + ("?" if rng.random() < 0.15 else "।")
    if text not in known:  # never a held-out (or any other) sentence twice
        known.add(text)
        made.append(text)

items = ([(f"w{i + 1:04d}", s) for i, s in enumerate(written)]
         + [(f"t{i + 1:04d}", s) for i, s in enumerate(test)])
generated_items = [(f"g{i + 1:05d}", s) for i, s in enumerate(made)]
heldout_items = [(f"h{i + 1:03d}", s) for i, s in enumerate(heldout)]

# folder, espeak-ng voice, rate ("" = espeak-ng's default, 175 words a minute)
speakers = [("hi", "hi", ""), ("hi-f2", "hi+f2", "160"), ("hi-f3", "hi+f3", ""), ("hi-m1", "hi+m1", "190"), ("hi-m3", "hi+m3", "")]

def reads(k, index, generated_sentence):
    if k == 0:
        return not generated_sentence or index % 2 == 0
    if generated_sentence:
        return index % 2 == 1 and (index // 2) % 4 == k - 1
    return (index + k) % 2 == 0  # hi-f3 and hi-m3 the even ones, hi-f2 and hi-m1 the odd ones

def write_atomic(path, text):
    with open(path + ".part", "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(path + ".part", path)

with open(jobs_path, "wb") as jobs:
    counts = {}
    for split, chosen in (("train", None), ("heldout", heldout_items)):
        for k, (folder, voice, rate) in enumerate(speakers):
            if chosen is None:
                selection = [it for i, it in enumerate(items) if reads(k, i, False)]
                selection += [it for i, it in enumerate(generated_items) if reads(k, i, True)]
            else:
                selection = chosen
            directory = os.path.join(out, split, folder)
            wavs = os.path.join(directory, "wavs")
            os.makedirs(wavs, exist_ok=True)
            write_atomic(os.path.join(directory, "metadata.csv"), "".join(f"{i}|{s}\n" for i, s in selection))
            listed = {i + ".wav" for i, _ in selection}
            for name in sorted(os.listdir(wavs)):
                if name not in listed:
                    os.remove(os.path.join(wavs, name))  # stale WAVs and .part files of an interrupted run
            for i, s in selection:
                path = os.path.join(wavs, i + ".wav")
                if not os.path.exists(path):
                    jobs.write(f"{voice}\0{rate}\0{path}\0{s}\0".encode("utf-8"))
            counts[f"{split}/{folder}"] = len(selection)
    sys.stderr.write("make-hindi-training-corpus: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + "\n")
PY

# One job per WAV: written to a .part file, renamed when complete.
xargs -0 -n 4 -P "$jobs" sh -c '
  if [ -n "$1" ]; then espeak-ng -v "$0" -s "$1" -w "$2.part" "$3"; else espeak-ng -v "$0" -w "$2.part" "$3"; fi
  mv "$2.part" "$2"' < "$work"

echo "make-hindi-training-corpus: $(find "$out/train" -name '*.wav' | wc -l) training and $(find "$out/heldout" -name '*.wav' | wc -l) held-out recordings in $out"
