#!/usr/bin/python3
"""Loss curves of a `lewm train` run: reads the run's TensorBoard event files and writes a CSV and a PNG.

    /usr/bin/python3 scripts/plot-training-curves.py RUN_DIR OUT_PREFIX

writes OUT_PREFIX.csv (one row per logged step: step, then every scalar tag; empty where a tag was not logged at that
step) and OUT_PREFIX.png (training and validation totals, and the reconstruction, prediction, spectral and stop terms,
on a log scale). Needs python3-matplotlib (Debian: apt-get install python3-matplotlib); the event files are read with
the standard library (TFRecord framing + the few protobuf fields of Event/Summary that scalars use).
"""

import csv
import glob
import os
import struct
import sys


def varint(data, i):
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def fields(data):
    """Yields (field number, wire type, value) of a serialised protobuf message."""
    i = 0
    while i < len(data):
        key, i = varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(data, i)
        elif wire == 1:
            value, i = data[i:i + 8], i + 8
        elif wire == 5:
            value, i = data[i:i + 4], i + 4
        elif wire == 2:
            length, i = varint(data, i)
            value, i = data[i:i + length], i + length
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield number, wire, value


def scalars(run_dir):
    """{tag: {step: value}} from every events.out.tfevents.* file under RUN_DIR/tensorboard (later files win)."""
    series = {}
    paths = sorted(glob.glob(os.path.join(run_dir, "tensorboard", "events.out.tfevents.*")), key=os.path.getmtime)
    if not paths:
        raise SystemExit(f"plot-training-curves: no TensorBoard event files under {run_dir}/tensorboard")
    for path in paths:
        data = open(path, "rb").read()
        i = 0
        while i + 12 <= len(data):
            length = struct.unpack("<Q", data[i:i + 8])[0]
            record = data[i + 12:i + 12 + length]
            i += 12 + length + 4
            step = 0
            values = []
            for number, _, value in fields(record):
                if number == 2:                       # Event.step
                    step = value
                elif number == 5:                     # Event.summary
                    for n2, _, v2 in fields(value):
                        if n2 != 1:                   # Summary.value
                            continue
                        tag = scalar = None
                        for n3, _, v3 in fields(v2):
                            if n3 == 1:
                                tag = v3.decode("utf-8")
                            elif n3 == 2:             # simple_value
                                scalar = struct.unpack("<f", v3)[0]
                        if tag is not None and scalar is not None:
                            values.append((tag, scalar))
            for tag, scalar in values:
                series.setdefault(tag, {})[step] = scalar
    return series


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: plot-training-curves.py RUN_DIR OUT_PREFIX")
    run_dir, prefix = sys.argv[1], sys.argv[2]
    series = scalars(run_dir)
    tags = sorted(series)
    steps = sorted({step for values in series.values() for step in values})
    with open(prefix + ".csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["step"] + tags)
        for step in steps:
            writer.writerow([step] + [("%.6g" % series[t][step]) if step in series[t] else "" for t in tags])

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    for tag, style in (("train/total", "-"), ("val/total", "o-")):
        if tag in series:
            xs = sorted(series[tag])
            axes[0].plot(xs, [series[tag][x] for x in xs], style, label=tag, markersize=3)
    axes[0].set_yscale("log")
    axes[0].set_xlabel("step")
    axes[0].set_title("total loss")
    axes[0].legend()
    for tag in ("train/recon", "train/prediction", "train/spectral", "train/stop", "val/recon", "val/prediction"):
        if tag in series:
            xs = sorted(series[tag])
            axes[1].plot(xs, [series[tag][x] for x in xs], "o-" if tag.startswith("val/") else "-", label=tag, markersize=3)
    axes[1].set_yscale("log")
    axes[1].set_xlabel("step")
    axes[1].set_title("loss terms")
    axes[1].legend(fontsize=8)
    fig.suptitle(os.path.basename(os.path.abspath(run_dir)))
    fig.tight_layout()
    fig.savefig(prefix + ".png", dpi=100)
    print(f"plot-training-curves: {len(steps)} steps, {len(tags)} tags -> {prefix}.csv, {prefix}.png")


if __name__ == "__main__":
    main()
