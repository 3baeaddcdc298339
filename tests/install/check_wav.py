#!/usr/bin/env python3
"""Checks that a WAV file holds speech-like audio: a RIFF/WAVE header, PCM or float samples, a plausible duration
and a signal well above silence. Usage: check_wav.py FILE [MIN_SECONDS]. Prints one line; exit code 1 on failure."""
import math
import struct
import sys


def fail(path, reason):
    print(f"check_wav: {path}: {reason}", file=sys.stderr)
    sys.exit(1)


def read_samples(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 12 or data[0:4] != b"RIFF" or data[8:12] != b"WAVE":
        fail(path, "no RIFF/WAVE header")
    riff_size = struct.unpack_from("<I", data, 4)[0]
    if riff_size + 8 != len(data):
        fail(path, f"RIFF size {riff_size + 8} differs from the file size {len(data)}")
    fmt = None
    samples = None
    pos = 12
    while pos + 8 <= len(data):
        chunk_id = data[pos:pos + 4]
        size = struct.unpack_from("<I", data, pos + 4)[0]
        body = data[pos + 8:pos + 8 + size]
        if chunk_id == b"fmt ":
            fmt = struct.unpack_from("<HHIIHH", body, 0)
        elif chunk_id == b"data":
            samples = body
        pos += 8 + size + (size & 1)
    if fmt is None or samples is None:
        fail(path, "missing fmt or data chunk")
    tag, channels, rate, _, _, bits = fmt
    if tag == 1 and bits == 16:
        count = len(samples) // 2
        values = [v / 32768.0 for v in struct.unpack_from(f"<{count}h", samples)]
    elif tag == 3 and bits == 32:
        count = len(samples) // 4
        values = list(struct.unpack_from(f"<{count}f", samples))
    else:
        fail(path, f"unexpected format tag {tag} with {bits} bits")
    return values, channels, rate


def main():
    path = sys.argv[1]
    min_seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 0.3
    values, channels, rate = read_samples(path)
    seconds = len(values) / channels / rate
    if not min_seconds <= seconds <= 60:
        fail(path, f"duration {seconds:.2f} s outside [{min_seconds}, 60] s")
    if any(math.isnan(v) or math.isinf(v) for v in values):
        fail(path, "non-finite samples")
    peak = max(abs(v) for v in values)
    rms = math.sqrt(sum(v * v for v in values) / len(values))
    # Speech has energy in a good share of its 20 ms frames; silence or a click does not.
    frame = max(1, rate * channels // 50)
    frames = [values[i:i + frame] for i in range(0, len(values) - frame + 1, frame)]
    voiced = sum(1 for f in frames if math.sqrt(sum(v * v for v in f) / len(f)) > 0.01)
    share = voiced / max(1, len(frames))
    if peak < 0.05 or rms < 0.005 or share < 0.2:
        fail(path, f"too quiet for speech (peak {peak:.4f}, rms {rms:.4f}, voiced frames {share:.0%})")
    print(f"check_wav: {path}: {rate} Hz, {channels} ch, {seconds:.2f} s, peak {peak:.3f}, rms {rms:.4f}, voiced frames {share:.0%}")


if __name__ == "__main__":
    main()
