"""swa4j's data-side random streams, bit for bit: java.util.SplittableRandom and org.swa4j.data.iterate.Seeds.

The order of a training pass and the augmentation of each example in swa4j depend only on
(seed, epoch, position), through SplitMix64 (Steele, Lea, Flood, OOPSLA 2014):

    Seeds.mix(s, i)          = fmix64(s + (i + 1) * 0x9E3779B97F4A7C15)
    shuffle seed of pass e   = mix(mix(seed, e), 0x5348554646)
    augmentation seed of the example at position k of pass e = mix(mix(mix(seed, e), 0x4155474D), k)

and SplittableRandom(seed): state += 0x9E3779B97F4A7C15 before every draw; nextInt() = mix32(state);
nextInt(bound) = Lemire-free rejection on (nextInt() >>> 1) % bound (power-of-two bounds mask);
nextDouble() = (mix64(state) >>> 11) * 2^-53. Reproducing them here makes the PyTorch peer see the
same batches, in the same order, with the same crops and flips as swa4j for the same seed.
Java longs are two's-complement; here they are Python ints or numpy uint64 taken modulo 2^64.
"""
import numpy as np

MASK64 = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15
SHUFFLE_TAG = 0x5348554646
AUGMENTATION_TAG = 0x4155474D


def _fmix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def _mix32(z):
    """SplittableRandom.mix32 as an unsigned 32-bit value."""
    z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & MASK64
    return (((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & MASK64) >> 32


def mix(seed, index):
    """org.swa4j.data.iterate.Seeds.mix(seed, index) modulo 2^64."""
    return _fmix64((seed + (index + 1) * GOLDEN_GAMMA) & MASK64)


def shuffle_seed(seed, epoch):
    return mix(mix(seed, epoch), SHUFFLE_TAG)


def augmentation_seed_base(seed, epoch):
    """mix(mix(seed, epoch), tag): the augmentation seed of position k is mix(base, k)."""
    return mix(mix(seed, epoch), AUGMENTATION_TAG)


def as_signed(v):
    """A 64-bit value as the Java long that prints it."""
    return v - (1 << 64) if v >= 1 << 63 else v


class SplittableRandom:
    """java.util.SplittableRandom(seed) for the draws swa4j's data code makes."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def _next_seed(self):
        self.state = (self.state + GOLDEN_GAMMA) & MASK64
        return self.state

    def next_int_unsigned(self):
        return _mix32(self._next_seed())

    def next_int(self, bound):
        """nextInt(bound): uniform in [0, bound)."""
        if bound <= 0:
            raise ValueError(f"bound {bound} must be > 0")
        r = self.next_int_unsigned()
        m = bound - 1
        if bound & m == 0:
            return r & m
        u = r >> 1
        while True:
            r = u % bound
            if u + m - r < 1 << 31:  # Java: u + m - r < 0 in int arithmetic means overflow
                return r
            u = self.next_int_unsigned() >> 1

    def next_double(self):
        return (_fmix64(self._next_seed()) >> 11) * (1.0 / (1 << 53))

    def next_long(self):
        """nextLong() as an unsigned 64-bit value (as_signed gives the Java long)."""
        return _fmix64(self._next_seed())


def shuffled(n, seed, epoch):
    """org.swa4j.data.iterate.EpochOrder.shuffled: Fisher-Yates on 0..n-1 from the pass's shuffle seed."""
    order = list(range(n))
    rng = SplittableRandom(shuffle_seed(seed, epoch))
    for i in range(n - 1, 0, -1):
        j = rng.next_int(i + 1)
        order[i], order[j] = order[j], order[i]
    return np.asarray(order, dtype=np.int64)


class SplittableRandoms:
    """One SplittableRandom per element of a uint64 seed array, drawn in lockstep (vectorised)."""

    _U = np.uint64

    def __init__(self, seeds):
        self.state = np.asarray(seeds, dtype=np.uint64).copy()

    def _next_seed(self, mask=None):
        with np.errstate(over="ignore"):
            if mask is None:
                self.state += self._U(GOLDEN_GAMMA)
                return self.state.copy()
            self.state[mask] += self._U(GOLDEN_GAMMA)
            return self.state[mask]

    @classmethod
    def _mix32(cls, z):
        with np.errstate(over="ignore"):
            z = (z ^ (z >> cls._U(33))) * cls._U(0x62A9D9ED799705F5)
            return ((z ^ (z >> cls._U(28))) * cls._U(0xCB24D0A5C88C35B3)) >> cls._U(32)

    @classmethod
    def _mix64(cls, z):
        with np.errstate(over="ignore"):
            z = (z ^ (z >> cls._U(30))) * cls._U(0xBF58476D1CE4E5B9)
            z = (z ^ (z >> cls._U(27))) * cls._U(0x94D049BB133111EB)
            return z ^ (z >> cls._U(31))

    def next_int(self, bound):
        """nextInt(bound) of every generator."""
        r = self._mix32(self._next_seed()).astype(np.int64)
        m = bound - 1
        if bound & m == 0:
            return r & m
        u = r >> 1
        r = u % bound
        bad = u + m - r >= 1 << 31
        while bad.any():  # rejection: only the rejected generators draw again
            u_bad = self._mix32(self._next_seed(bad)).astype(np.int64) >> 1
            r_bad = u_bad % bound
            r[bad] = r_bad
            still = u_bad + m - r_bad >= 1 << 31
            nxt = np.zeros_like(bad)
            nxt[np.flatnonzero(bad)[still]] = True
            bad = nxt
        return r

    def next_double(self):
        return (self._mix64(self._next_seed()) >> self._U(11)).astype(np.float64) * (1.0 / (1 << 53))


def augmentation_seeds(seed, epoch, positions):
    """Seeds.augmentation(seed, epoch, k) for every k in positions, as uint64."""
    base = np.uint64(augmentation_seed_base(seed, epoch))
    k = np.asarray(positions, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = base + (k + np.uint64(1)) * np.uint64(GOLDEN_GAMMA)
    return SplittableRandoms._mix64(z)
