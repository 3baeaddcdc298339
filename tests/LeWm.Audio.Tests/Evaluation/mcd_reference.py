"""Reference numbers for MelCepstralDistortionTests (pure Python, no dependencies).

Run: python3 mcd_reference.py
Prints the cepstra, the DTW path cost and length, and the MCD in dB of the small hand example used by
Compute_SmallHandExample_MatchesReferenceScript, computed straight from the definitions:
  c_k = (1/N) sum_n x_n cos(pi k (2n + 1) / 2N), k = 1..K (c0 dropped)
  DTW with Euclidean frame cost, steps (i-1, j-1), (i-1, j), (i, j-1)
  MCD = 10 / ln 10 * sqrt(2) * cost / length
"""
import math

# [bands][frames] natural-log mel values, band-major as LogMel stores them.
REFERENCE = [
    [0.0, 1.0, -1.0],
    [0.5, 2.0, 0.0],
    [1.0, 0.5, 2.0],
    [-0.5, 1.5, 1.0],
]
CANDIDATE = [
    [0.2, -0.8],
    [0.4, 0.3],
    [1.1, 1.5],
    [-0.2, 0.9],
]
K = 2


def cepstra(mel, k_max):
    bands, frames = len(mel), len(mel[0])
    out = []
    for t in range(frames):
        x = [mel[n][t] for n in range(bands)]
        out.append([sum(x[n] * math.cos(math.pi * k * (2 * n + 1) / (2 * bands)) for n in range(bands)) / bands
                    for k in range(1, k_max + 1)])
    return out


def dtw(a, b):
    inf = float("inf")
    cost = [[inf] * len(b) for _ in a]
    length = [[0] * len(b) for _ in a]
    for i in range(len(a)):
        for j in range(len(b)):
            d = math.dist(a[i], b[j])
            if i == 0 and j == 0:
                best = (0.0, 0)
            else:
                options = []
                if i > 0 and j > 0:
                    options.append((cost[i - 1][j - 1], length[i - 1][j - 1]))
                if i > 0:
                    options.append((cost[i - 1][j], length[i - 1][j]))
                if j > 0:
                    options.append((cost[i][j - 1], length[i][j - 1]))
                best = min(options)  # cheapest, then shortest
            cost[i][j] = best[0] + d
            length[i][j] = best[1] + 1
    return cost[-1][-1], length[-1][-1]


def levels(mel):
    bands, frames = len(mel), len(mel[0])
    return [10 * math.log10(sum(math.exp(2 * mel[n][t]) for n in range(bands))) for t in range(frames)]


a, b = cepstra(REFERENCE, K), cepstra(CANDIDATE, K)
print("levels reference", levels(REFERENCE), "candidate", levels(CANDIDATE))
print("reference cepstra", a)
print("candidate cepstra", b)
c, n = dtw(a, b)
print(f"cost {c!r} length {n} mcd_db {10 / math.log(10) * math.sqrt(2) * c / n!r}")
