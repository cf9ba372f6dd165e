#!/usr/bin/env python3
"""Reference values for tests/unit/test_stats_compare.c, computed independently of
the C code (run: python3 tests/unit/stats_reference.py).

- xoshiro256** and splitmix64 transcribed from the authors' reference C
  (prng.di.unimi.it: xoshiro256starstar.c, splitmix64.c) into Python integers.
- The bootstrap follows the contract in base/stats.h: per round, draw
  len(a) indices into a then len(b) into b (Lemire's unbiased bounded draw),
  difference of type-7 medians, then type-7 quantiles of the differences.
- Mann-Whitney exact p-values by brute-force enumeration of every way to
  split the pooled ranks (no dynamic programming, unlike the C code); the
  normal approximation by the textbook formula (as R's wilcox.test, with
  tie-corrected variance and continuity correction), using math.erfc.
"""
import itertools
import math

M64 = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M64


class Xoshiro:
    def __init__(self, seed):
        self.s = []
        st = seed
        for _ in range(4):
            st, v = splitmix64(st)
            self.s.append(v)

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def below(self, n):
        m = self.next() * n
        low = m & M64
        if low < n:
            threshold = ((1 << 64) - n) % n
            while low < threshold:
                m = self.next() * n
                low = m & M64
        return m >> 64


def q7(sorted_v, q):
    n = len(sorted_v)
    h = (n - 1) * q
    lo = math.floor(h)
    if lo + 1 >= n:
        return sorted_v[-1]
    return sorted_v[lo] + (h - lo) * (sorted_v[lo + 1] - sorted_v[lo])


def bootstrap(a, b, resamples, level, seed):
    r = Xoshiro(seed)
    d = []
    for _ in range(resamples):
        ra = sorted(a[r.below(len(a))] for _ in a)
        rb = sorted(b[r.below(len(b))] for _ in b)
        d.append(q7(rb, 0.5) - q7(ra, 0.5))
    d.sort()
    return q7(d, (1 - level) / 2), q7(d, (1 + level) / 2)


def u_stat(a, b):
    return sum(1.0 if x > y else 0.5 if x == y else 0.0 for x in a for y in b)


def exact_p(a, b):
    """Two-sided, by enumerating every assignment of the pooled (distinct)
    values to the two groups."""
    pooled = sorted(a + b)
    u = u_stat(a, b)
    mean = len(a) * len(b) / 2
    le = ge = total = 0
    for idx in itertools.combinations(range(len(pooled)), len(a)):
        chosen = [pooled[i] for i in idx]
        rest = [pooled[i] for i in range(len(pooled)) if i not in idx]
        uu = u_stat(chosen, rest)
        total += 1
        le += uu <= u
        ge += uu >= u
    p = ge / total if u > mean else le / total
    return u, min(1.0, 2 * p)


def normal_p(a, b):
    n1, n2 = len(a), len(b)
    n = n1 + n2
    u = u_stat(a, b)
    counts = {}
    for v in a + b:
        counts[v] = counts.get(v, 0) + 1
    ties = sum(t ** 3 - t for t in counts.values())
    sigma = math.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
    z = u - n1 * n2 / 2
    z = (z - math.copysign(0.5, z) if z else 0) / sigma
    return u, z, math.erfc(abs(z) / math.sqrt(2))


if __name__ == "__main__":
    # The transcriptions against the published sequences: splitmix64 from
    # 1234567 (Rosetta Code "Pseudo-random numbers/Splitmix64"), and
    # xoshiro256** from state {1, 2, 3, 4}.
    st, out = 1234567, []
    for _ in range(3):
        st, v = splitmix64(st)
        out.append(v)
    assert out == [6457827717110365317, 3203168211198807973, 9817491932198370423]
    r = Xoshiro(0)
    r.s = [1, 2, 3, 4]
    assert [r.next() for _ in range(4)] == [11520, 0, 1509978240, 1215971899390074240]

    r = Xoshiro(0)
    print("xoshiro seed 0:", [r.next() for _ in range(3)])
    r = Xoshiro(42)
    print("xoshiro seed 42:", [r.next() for _ in range(3)])
    r = Xoshiro(7)
    print("below(10) seed 7:", [r.below(10) for _ in range(10)])

    a = [3.1, 2.9, 3.4, 3.0, 3.3, 2.8, 3.6, 3.2, 3.05, 2.95]
    b = [2.7, 2.6, 2.9, 2.5, 2.8, 3.0, 2.65, 2.75, 2.85]
    print("bootstrap a,b B=1000 seed 1: %.17g %.17g" % bootstrap(a, b, 1000, 0.95, 1))
    print("bootstrap a,b B=500 seed 99 level .9: %.17g %.17g" % bootstrap(a, b, 500, 0.90, 99))

    # R ?wilcox.test example (Hollander & Wolfe 1973, p. 69):
    x = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
    y = [1.15, 0.88, 0.90, 0.74, 1.21]
    print("H&W exact: U=%g p=%.17g" % exact_p(x, y))
    print("1..5 vs 6..10 exact: U=%g p=%.17g" % exact_p([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]))
    a2 = [3.1, 3.4, 3.3, 3.6, 3.2, 3.05, 2.95]
    b2 = [2.7, 2.6, 2.5, 2.65, 2.75, 2.85, 3.15]
    print("a2,b2 exact: U=%g p=%.17g" % exact_p(a2, b2))
    t1 = [1, 2, 2, 3, 3, 3, 4, 5]
    t2 = [3, 4, 4, 5, 5, 6, 6, 7, 8]
    print("ties normal: U=%g z=%.17g p=%.17g" % normal_p(t1, t2))
    big_a = [float(i % 17) + i / 1000 for i in range(60)]
    big_b = [float(i % 13) + 2 + i / 997 for i in range(55)]
    print("n>=50 normal: U=%g z=%.17g p=%.17g" % normal_p(big_a, big_b))
