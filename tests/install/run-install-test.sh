#!/usr/bin/env bash
# Install test: the packages as a .NET developer meets them.
#  1. `dotnet pack` the solution into a temporary folder and check every package (ids, one version, size under
#     nuget.org's 250 MB limit, symbols, README, licence, repository metadata).
#  2. A fresh console app (dotnet new console) in a temporary folder whose nuget.config lists that folder and
#     nuget.org; `dotnet add package LeWm.Inference` and `LeWm.Voices.Hindi`; the README's quick start as
#     Program.cs; it must build, run, and write a WAV of speech. Where the app's output holds TorchSharp's native
#     shim, LeWm.TorchSharp.Compat's buildTransitive targets must have patched it (this machine's libstdc++
#     decides whether it would load without the patch; the run proves it loads).
#  3. A second app that trains (`LeWm.Model` + `TorchSharp-cpu`): LeWm.TorchSharp.Compat's buildTransitive targets
#     must patch its TorchSharp shim, and it must load libtorch and build the tiny network (the quick-start app runs
#     on ONNX Runtime and carries no TorchSharp).
#  4. `dotnet tool install` of the lewm tool package from that folder, and `lewm synthesize` must write speech.
# The LeWm.* entries of the packed version are removed from the NuGet global packages folder before and after, so
# a stale package of the same version can never be used. Run from anywhere; needs python3 (test.sh installs it).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/tests/install"
start=$SECONDS

work="$(mktemp -d "${TMPDIR:-/tmp}/lewm-install-test.XXXXXX")"
artifacts="$work/artifacts"
global_packages="$(dotnet nuget locals global-packages --list | sed -e 's/^global-packages: *//')"
version=""

forget_packed_version() {
  # Our packages at the packed version only: other versions and other packages stay cached.
  if [ -n "$version" ] && [ -d "$global_packages" ]; then
    for dir in "$global_packages"/lewm.*; do
      [ -d "$dir/$version" ] && rm -rf "${dir:?}/$version"
      rmdir "$dir" 2>/dev/null || true
    done
  fi
  return 0
}
cleanup() {
  forget_packed_version
  rm -rf "$work"
}
trap cleanup EXIT

step() { echo "install-test: $* ($((SECONDS - start)) s)"; }

step "packing into $artifacts"
dotnet pack "$root/LeWm.Sdk.sln" -c Release -o "$artifacts" -nologo -v:q -clp:NoSummary >"$work/pack.log" 2>&1 \
  || { cat "$work/pack.log"; echo "install-test: dotnet pack failed" >&2; exit 1; }
inference_package="$(cd "$artifacts" && ls LeWm.Inference.*.nupkg)"
version="${inference_package#LeWm.Inference.}"
version="${version%.nupkg}"
python3 "$here/check_packages.py" "$artifacts" "$version"
forget_packed_version

step "creating a console app that uses LeWm.Inference and LeWm.Voices.Hindi $version"
app="$work/HelloSpeech"
dotnet new console -o "$app" -n HelloSpeech --no-restore >"$work/new.log" 2>&1 \
  || { cat "$work/new.log"; echo "install-test: dotnet new console failed" >&2; exit 1; }
cat >"$app/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="artifacts" value="$artifacts" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
</configuration>
EOF
cat >"$app/Program.cs" <<'EOF'
using LeWm.Inference;
await using var tts = TtsEngine.CreateBuilder().UseDefaultVoice().Build();
var speech = await tts.SynthesizeAsync("नमस्ते, आप कैसे हैं?");
await speech.SaveWavAsync("hello.wav");
EOF
(
  cd "$app"
  dotnet add package LeWm.Inference --version "$version" >"$work/add.log" 2>&1 \
    && dotnet add package LeWm.Voices.Hindi --version "$version" >>"$work/add.log" 2>&1
) || { cat "$work/add.log"; echo "install-test: dotnet add package failed" >&2; exit 1; }

step "building the app"
dotnet build "$app" -c Release -nologo -v:n >"$work/build.log" 2>&1 \
  || { grep -E "error|warn" "$work/build.log" | tail -40; echo "install-test: the app does not build" >&2; exit 1; }
if grep -qi '"LeWm.TorchSharp.Compat/' "$app/obj/project.assets.json"; then
  # The TorchSharp fix is in the app's package graph (transitively): its buildTransitive targets must be imported.
  grep -q "buildTransitive/LeWm.TorchSharp.Compat.targets" "$app/obj/HelloSpeech.csproj.nuget.g.targets" \
    || { echo "install-test: LeWm.TorchSharp.Compat's buildTransitive targets did not reach the app" >&2; exit 1; }
  echo "install-test: LeWm.TorchSharp.Compat's buildTransitive targets reach the app"
fi
output="$app/bin/Release/net10.0"
shims="$(find "$output" -name libLibTorchSharp.so)"
if [ -n "$shims" ]; then
  # TorchSharp's shim is in the app: the fix must have come with the packages (buildTransitive) and patched it.
  grep -q "LeWm.TorchSharp.Compat: patched" "$work/build.log" \
    || { echo "install-test: the app's libLibTorchSharp.so was not patched by LeWm.TorchSharp.Compat" >&2; exit 1; }
  echo "install-test: LeWm.TorchSharp.Compat patched the app's TorchSharp shim ($(echo "$shims" | wc -l) copies)"
fi

step "running the app"
(cd "$app" && dotnet run -c Release --no-build) || { echo "install-test: the app failed" >&2; exit 1; }
python3 "$here/check_wav.py" "$app/hello.wav" 0.5

step "creating an app that trains: LeWm.Model + TorchSharp-cpu (the TorchSharp fix must come with the packages)"
# The quick start above runs on ONNX Runtime and has no TorchSharp; an app that trains does, and on Debian 12 it
# only loads libtorch because LeWm.TorchSharp.Compat's buildTransitive targets patch TorchSharp's shim.
trainer="$work/TrainingApp"
dotnet new console -o "$trainer" -n TrainingApp --no-restore >"$work/new2.log" 2>&1 \
  || { cat "$work/new2.log"; echo "install-test: dotnet new console failed" >&2; exit 1; }
cp "$app/nuget.config" "$trainer/nuget.config"
cat >"$trainer/Program.cs" <<'EOF'
using LeWm.Model.Config;
using LeWm.Model.Modules;
using var network = new LeWmNetwork(LeWmConfig.Tiny);
Console.WriteLine($"LeWM tiny on TorchSharp: {network.parameters().Sum(p => p.numel())} parameters");
EOF
(
  cd "$trainer"
  dotnet add package LeWm.Model --version "$version" >"$work/add2.log" 2>&1 \
    && dotnet add package TorchSharp-cpu --version 0.107.0 >>"$work/add2.log" 2>&1
) || { cat "$work/add2.log"; echo "install-test: dotnet add package failed" >&2; exit 1; }
dotnet build "$trainer" -c Release -nologo -v:n >"$work/build2.log" 2>&1 \
  || { grep -E "error|warn" "$work/build2.log" | tail -40; echo "install-test: the training app does not build" >&2; exit 1; }
grep -q "LeWm.TorchSharp.Compat: patched" "$work/build2.log" \
  || { echo "install-test: the training app's libLibTorchSharp.so was not patched by LeWm.TorchSharp.Compat" >&2; exit 1; }
(cd "$trainer" && dotnet run -c Release --no-build) | tee "$work/train-app.log" \
  || { echo "install-test: the training app failed to load TorchSharp" >&2; exit 1; }
grep -q "parameters" "$work/train-app.log" || { echo "install-test: the training app printed nothing" >&2; exit 1; }

step "installing the lewm tool"
tool_id="LeWm.Cli"
dotnet tool install --tool-path "$work/tools" --add-source "$artifacts" "$tool_id" --version "$version" >"$work/tool.log" 2>&1 \
  || { cat "$work/tool.log"; echo "install-test: dotnet tool install failed" >&2; exit 1; }
(cd "$work" && "$work/tools/lewm" synthesize --text "नमस्ते" -o "$work/x.wav") \
  || { echo "install-test: lewm synthesize failed" >&2; exit 1; }
python3 "$here/check_wav.py" "$work/x.wav" 0.2

step "passed"
