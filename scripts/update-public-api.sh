#!/usr/bin/env bash
# Regenerates PublicAPI.Unshipped.txt of every library that declares its public API (src/*/PublicAPI.Unshipped.txt)
# from the code as it is: the file is reset to '#nullable enable', the libraries are built once with the
# PublicApiAnalyzers' diagnostics as warnings and a SARIF log per project, and each RS0016 diagnostic's API line
# (its 'APIName' property, exactly what the analyzer's code fix would insert) becomes a line of the file, sorted.
# PublicAPI.Shipped.txt is never touched: at a release, move the Unshipped lines there by hand.
# Review the diff: every changed line is a change to the public API.
# Usage: scripts/update-public-api.sh [PROJECT_DIR...]   (default: every src/* project with a PublicAPI.Unshipped.txt)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if (($#)); then
  projects=("$@")
else
  mapfile -t projects < <(ls -d src/*/ | while read -r d; do [ -f "$d/PublicAPI.Unshipped.txt" ] && echo "${d%/}"; done)
fi
if ((${#projects[@]} == 0)); then
  echo "update-public-api: no project declares a public API (src/*/PublicAPI.Unshipped.txt)" >&2
  exit 1
fi

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT

for project in "${projects[@]}"; do
  printf '#nullable enable\n' >"$project/PublicAPI.Unshipped.txt"
done

for project in "${projects[@]}"; do
  # Warnings stay warnings here, so that every missing line is reported at once instead of failing the build.
  dotnet build "$project" -c Release -nologo -v:q -clp:NoSummary \
    -p:TreatWarningsAsErrors=false -p:LeWmPublicApiLogDirectory="$logs" >/dev/null
done

python3 - "$logs" "${projects[@]}" <<'PY'
import json
import os
import sys

logs, projects = sys.argv[1], sys.argv[2:]
for project in projects:
    name = os.path.basename(os.path.normpath(project))
    path = os.path.join(logs, f"{name}.sarif")
    if not os.path.exists(path):
        sys.exit(f"update-public-api: {name} was not compiled (no {path}); touch one of its sources and rerun")
    with open(path, encoding="utf-8-sig") as f:
        sarif = json.load(f)
    lines = set()
    removed = []
    for run in sarif["runs"]:
        for result in run.get("results", []):
            props = result.get("properties", {}).get("customProperties", {})
            if result.get("ruleId") == "RS0016":
                lines.add(props["APIName"])
            elif result.get("ruleId") == "RS0017":
                removed.append(result["message"]["text"])
    target = os.path.join(project, "PublicAPI.Unshipped.txt")
    with open(target, "w", encoding="utf-8", newline="\n") as f:
        f.write("#nullable enable\n")
        for line in sorted(lines):
            f.write(line + "\n")
    print(f"update-public-api: {name}: {len(lines)} API lines")
    for message in removed:
        print(f"update-public-api: {name}: {message} (remove it from PublicAPI.Shipped.txt only if the break is intended)")
PY
