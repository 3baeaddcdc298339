#!/usr/bin/env bash
# Publishes this sample (ONNX Runtime, no libtorch) and the same program on the TorchSharp backend (a twin project
# generated in a temporary folder: LeWm.Inference + LeWm.Model + TorchSharp-cpu, the voice's float16 checkpoint),
# both framework-dependent for linux-x64 in Release, and prints each output's size.
# Usage: samples/OnnxOnly/measure-publish-size.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet publish "$repo/samples/OnnxOnly" -c Release -r linux-x64 --self-contained false -o "$work/onnx" >/dev/null

mkdir -p "$work/torch-src"
cat > "$work/torch-src/TorchTwin.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <RuntimeIdentifier>linux-x64</RuntimeIdentifier>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
    <ProjectReference Include="$repo/src/LeWm.Inference/LeWm.Inference.csproj" />
    <ProjectReference Include="$repo/src/LeWm.Model/LeWm.Model.csproj" />
    <None Include="$repo/src/LeWm.Voices.Hindi/voice/checkpoint/*" Link="voice/%(Filename)%(Extension)" CopyToOutputDirectory="PreserveNewest" />
  </ItemGroup>
</Project>
XML
cat > "$work/torch-src/Program.cs" <<'CS'
using LeWm.Inference;
await using var tts = TtsEngine.CreateBuilder().UseModel(Path.Combine(AppContext.BaseDirectory, "voice")).WithDefaultSpeaker(0).Build();
var speech = await tts.SynthesizeAsync("नमस्ते, आप कैसे हैं?");
await speech.SaveWavAsync("hello.wav");
CS
dotnet publish "$work/torch-src" -c Release -r linux-x64 --self-contained false -o "$work/torch" >/dev/null

size() { du -sb "$1" | cut -f1; }
onnx=$(size "$work/onnx")
torch=$(size "$work/torch")
printf 'OnnxOnly (ONNX Runtime):  %6.1f MB  (%s files)\n' "$(echo "$onnx / 1000000" | bc -l)" "$(find "$work/onnx" -type f | wc -l)"
printf 'TorchSharp twin:          %6.1f MB  (%s files)\n' "$(echo "$torch / 1000000" | bc -l)" "$(find "$work/torch" -type f | wc -l)"
if find "$work/onnx" -name 'libtorch*' -o -name 'TorchSharp*' | grep -q .; then
  echo "OnnxOnly's output holds TorchSharp or libtorch" >&2
  exit 1
fi
