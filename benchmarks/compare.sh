#!/usr/bin/env bash
# Measures LeWm.Sdk against the Python reference on this machine, in one run, and prints the ratio.
#
#   benchmarks/compare.sh mel        # lewm bench mel vs torchaudio MelSpectrogram (10 s of audio)
#   benchmarks/compare.sh vocoder    # lewm bench vocoder vs PyTorch eager Vocos, full size, random weights
#   benchmarks/compare.sh synthesize # lewm bench synthesize vs the PyTorch reference: one 10 s request, text ->
#                                    # waveform, base preset + full-size Vocos (random weights), KV cache on both
#
# Needs Debian's python3-torch and python3-torchaudio (apt-get install python3-torch python3-torchaudio).
# The two sides alternate (A B A B ...) so that drifting machine load hits both alike; medians are reported.
set -euo pipefail
cd "$(dirname "$0")/.."
stage="${1:-mel}"
rounds="${ROUNDS:-3}"
py=/usr/bin/python3

if ! readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null | grep -q openblas; then
  echo "compare.sh: PyTorch would use the reference BLAS; install OpenBLAS first (apt-get install libopenblas0-pthread)" >&2
  exit 2
fi

dotnet build src/LeWm.Cli -c Release -v:q -nologo >/dev/null
lewm="src/LeWm.Cli/bin/Release/net10.0/linux-x64/lewm"

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
field() { sed -E "s/.*\"$1\": ?([0-9.]+).*/\1/"; }

ours=(); theirs=()
case "$stage" in
  mel)
    for _ in $(seq "$rounds"); do
      ours+=("$("$lewm" bench mel --seconds 10 --iterations 50 --json | tail -1 | field median_ms)")
      best=""
      for threads in 1 2; do
        t=$("$py" benchmarks/python/bench_torchaudio_mel.py --seconds 10 --iterations 50 --threads "$threads" --json | tail -1 | field median_ms)
        best=$(printf '%s\n%s\n' "${best:-$t}" "$t" | sort -n | head -1)
      done
      theirs+=("$best")
    done
    ;;
  vocoder)
    folder="${VOCOS_DIR:-$(mktemp -d)/vocos-full}"
    [ -f "$folder/config.yaml" ] || dotnet run -c Release --project benchmarks/LeWm.Benchmarks -- make-vocos "$folder" >/dev/null
    for _ in $(seq "$rounds"); do
      ours+=("$("$lewm" bench vocoder --vocoder "$folder" --seconds 10 --iterations 10 --json | tail -1 | field median_ms)")
      # PyTorch at its best thread setting (default, 1 or 2 intra-op threads).
      theirs+=("$("$py" benchmarks/python/bench_vocos_torch.py --seconds 10 --runs 10 --warmup 2 --threads default,1,2 --json \
        | "$py" -c 'import json, sys; print(min(r["decode"]["median_ms"] for r in json.load(sys.stdin)["results"]))')")
    done
    ;;
  synthesize)
    folder="${VOCOS_DIR:-$(mktemp -d)/vocos-full}"
    [ -f "$folder/config.yaml" ] || dotnet run -c Release --project benchmarks/LeWm.Benchmarks -- make-vocos "$folder" >/dev/null
    model="${MODEL_DIR:-$(mktemp -d)/lewm-base}"
    [ -f "$model/config.json" ] || "$lewm" init --preset base -o "$model" --seed 1 >/dev/null
    for _ in $(seq "$rounds"); do
      ours+=("$("$lewm" bench synthesize --model "$model" --vocoder "$folder" --seconds 10 --rounds 3 --no-cache-steps 4 --json | tail -1 | field median_ms)")
      # PyTorch at its best thread setting (default, 1 or 2 intra-op threads).
      theirs+=("$("$py" benchmarks/python/bench_lewm_torch.py --skip-train --e2e --runs 5 --warmup 2 --threads default,1,2 --json \
        | "$py" -c 'import json, sys; print(min(r["synthesize"]["total"] for r in json.load(sys.stdin)["results"]))')")
    done
    ;;
  *) echo "usage: $0 mel|vocoder|synthesize" >&2; exit 2 ;;
esac

o=$(printf '%s\n' "${ours[@]}" | median)
t=$(printf '%s\n' "${theirs[@]}" | median)
echo "{\"stage\":\"$stage\",\"lewm_median_ms\":$o,\"python_median_ms\":$t,\"speedup\":$(awk -v a="$t" -v b="$o" 'BEGIN {printf "%.2f", a / b}'),\"rounds\":$rounds,\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
