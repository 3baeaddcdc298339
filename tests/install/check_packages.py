#!/usr/bin/env python3
"""Checks the packages `dotnet pack` wrote to a folder: exactly the expected package ids at one version, each under
nuget.org's 250 MB limit, with a symbol package (assemblies only), a README, the MIT licence expression, tags, and
repository metadata for SourceLink. Usage: check_packages.py ARTIFACTS_DIR VERSION. Prints a size table."""
import os
import sys
import xml.etree.ElementTree as ET
import zipfile

EXPECTED = [
    "LeWm.Audio", "LeWm.Checkpoints", "LeWm.Cli", "LeWm.Inference", "LeWm.Model", "LeWm.Onnx", "LeWm.Onnx.Export",
    "LeWm.TorchSharp.Compat", "LeWm.Training", "LeWm.Vocos", "LeWm.Voices.Hindi",
]
# Build-only: no assembly, hence no symbols.
WITHOUT_SYMBOLS = {"LeWm.TorchSharp.Compat"}
LIMIT = 250 * 1024 * 1024


def main():
    folder, version = sys.argv[1], sys.argv[2]
    errors = []
    packages = sorted(f for f in os.listdir(folder) if f.endswith(".nupkg"))
    wanted = {f"{pid}.{version}.nupkg": pid for pid in EXPECTED}
    for name in packages:
        if name not in wanted:
            errors.append(f"unexpected package {name} (only {', '.join(EXPECTED)} at {version} may pack)")
    for name, pid in wanted.items():
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            errors.append(f"{name} is missing")
            continue
        size = os.path.getsize(path)
        snupkg = path[:-len(".nupkg")] + ".snupkg"
        has_symbols = os.path.exists(snupkg)
        print(f"{pid:24} {size / 1024 / 1024:9.2f} MB{'  + .snupkg' if has_symbols else ''}")
        if size >= LIMIT:
            errors.append(f"{name} is {size} bytes, over nuget.org's 250 MB limit")
        if has_symbols == (pid in WITHOUT_SYMBOLS):
            errors.append(f"{name}: symbol package {'present' if has_symbols else 'missing'}")
        with zipfile.ZipFile(path) as z:
            nuspec_name = next(n for n in z.namelist() if n.endswith(".nuspec") and "/" not in n)
            root = ET.fromstring(z.read(nuspec_name))
            ns = {"n": root.tag[1:].split("}")[0]}
            meta = root.find("n:metadata", ns)

            def text(tag):
                node = meta.find(f"n:{tag}", ns)
                return None if node is None else (node.text or "")

            if text("version") != version:
                errors.append(f"{name}: version {text('version')}")
            license_node = meta.find("n:license", ns)
            if license_node is None or license_node.get("type") != "expression" or license_node.text != "MIT":
                errors.append(f"{name}: licence expression MIT missing")
            readme = text("readme")
            if not readme or readme not in z.namelist():
                errors.append(f"{name}: package README missing")
            if not text("tags"):
                errors.append(f"{name}: no tags")
            if not (text("description") or "").strip():
                errors.append(f"{name}: no description")
            repo = meta.find("n:repository", ns)
            if repo is None or not repo.get("url", "").startswith("https://github.com/"):
                errors.append(f"{name}: repository url missing")
    for e in errors:
        print(f"check_packages: {e}", file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
