#!/usr/bin/env python3
"""Runs the ONNX checker on every .onnx file in a folder (recursively).

Usage: python3 python/onnx_check.py FOLDER

Each graph is checked with onnx.checker.check_model(path, full_check=True), which also runs strict shape
inference. Debian's python3-onnx (onnx 1.12: IR version 8, opset 17) provides the module; ./test.sh installs it.
Prints one line per graph and exits 0 when all pass, 1 when one fails, 2 on bad usage or no graph found.
"""

import pathlib
import sys


def main(argv):
    if len(argv) != 2:
        print("usage: onnx_check.py FOLDER", file=sys.stderr)
        return 2
    folder = pathlib.Path(argv[1])
    if not folder.is_dir():
        print(f"onnx_check: '{folder}' is not a folder", file=sys.stderr)
        return 2
    try:
        import onnx
        import onnx.checker
    except ImportError as error:
        print(f"onnx_check: the onnx module is missing ({error}); install python3-onnx", file=sys.stderr)
        return 2

    graphs = sorted(folder.rglob("*.onnx"))
    if not graphs:
        print(f"onnx_check: no .onnx file under '{folder}'", file=sys.stderr)
        return 2

    failed = 0
    for graph in graphs:
        try:
            onnx.checker.check_model(str(graph), full_check=True)
            model = onnx.load(str(graph), load_external_data=False)
            opsets = ",".join(f"{o.domain or 'ai.onnx'}:{o.version}" for o in model.opset_import)
            print(f"ok {graph} (ir {model.ir_version}, opset {opsets}, {len(model.graph.node)} nodes)")
        except Exception as error:  # the checker raises several types; each is a failure of this graph
            failed += 1
            print(f"FAILED {graph}: {error}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
