#!/usr/bin/env bash
# Runs every test of LeWm.Sdk. Installs the system packages the tests need when they are missing
# (Debian/Ubuntu: espeak-ng for speech corpora; python3-torch, whose system libtorch the TorchSharp loading
# tests must not pick up; python3-onnx, whose checker the ONNX export tests run on every exported graph; chromium and
# a Devanagari font for the web sample's browser test, which drives /usr/bin/chromium through Playwright without
# downloading a browser), then runs `dotnet test` on the whole solution in Release.
# The web sample's tests leave artifacts/test-results/webapp.png (the page after Speak, in chromium) and
# artifacts/test-results/webapp-load.json (the load test's throughput, latency and peak memory), printed at the end.
# Then, on a full run, the install test (tests/install/run-install-test.sh): the packed packages installed into a fresh
# console app and the lewm tool installed from them must speak.
# Extra arguments go to `dotnet test` (e.g. ./test.sh --filter "FullyQualifiedName~Mel") and skip the install test.
# After the tests it builds the documentation site (docfx, docs/docfx.json) with warnings as errors: a broken link,
# bookmark or cross-reference fails the script. LEWM_SKIP_DOCS=1 leaves the docs out (for quick local runs).
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
dpkg -s python3-torch >/dev/null 2>&1 || missing+=(python3-torch)
dpkg -s python3-onnx >/dev/null 2>&1 || missing+=(python3-onnx)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s fonts-lohit-deva >/dev/null 2>&1 || missing+=(fonts-lohit-deva)
if ((${#missing[@]})); then
  echo "test.sh: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
load=artifacts/test-results/webapp-load.json
rm -f "$load"
dotnet test LeWm.Sdk.sln -c Release "$@" 2>&1 | tee "$log" || status=$?

if [ -f "$load" ]; then echo "web sample load test ($load):"; cat "$load"; echo; fi

# The documentation site: API reference from the packages' XML docs plus docs/articles, into docs/_site/.
if [ "${LEWM_SKIP_DOCS:-0}" != "1" ]; then
  if dotnet tool restore && dotnet docfx docs/docfx.json --warningsAsErrors; then
    echo "test.sh: documentation built into docs/_site/"
  else
    echo "test.sh: the documentation build failed (docfx, docs/docfx.json)" >&2
    status=1
  fi
fi

# One closing line with the totals over every test project.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
echo "tests: ${passed} passed, ${failed} failed"
if [ "$status" -eq 0 ] && [ "$failed" -ne 0 ]; then status=1; fi
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then echo "test.sh: no test ran" >&2; status=1; fi

# The packages as a .NET developer meets them: pack, dotnet add package into a fresh app, dotnet tool install.
if [ "$status" -eq 0 ] && [ "$#" -eq 0 ]; then
  if tests/install/run-install-test.sh; then
    echo "install test: passed"
  else
    echo "install test: failed" >&2
    status=1
  fi
fi
exit "$status"
