"""The data sets of the peer, read and prepared exactly as swa4j's swa-data does it.

- fashion-mnist-embedded: the gzip IDX files shipped in swa-data's resources, each checked against the
  SHA-256 that org.swa4j.data.sets.EmbeddedFashionMnist checks;
- fashion-mnist, mnist: the four official IDX files (.gz preferred over raw) in <data dir>/<set>, then in
  /usr/share/datasets/<set> (Debian's dataset-fashion-mnist); <data dir> is --data, else $SWA4J_DATA,
  else ~/.swa4j/data. Nothing is downloaded.

train_limit / test_limit: swa4j's StratifiedSubset (Hamilton's largest-remainder quotas, ties to the lower
class, the first examples of each class in file order). Normalisation: the training split's own mean and
population std on the [0, 1] scale (TRAIN_STATISTICS, computed after the limit), applied in float32 as
v * float(1 / (255 std)) - float(mean / std). Augmentation: pad 2 with zeros on the 0..255 scale, crop
28 at (dy, dx), mirror with probability 0.5, draws dy, dx, flip in that order. A training pass e visits
the examples in EpochOrder.shuffled(n, seed, e) order; the example at position k of the pass is
augmented from SplittableRandom(Seeds.augmentation(seed, e, k)); the last batch is smaller, never
dropped. Test batches are in file order, unaugmented. See javarandom.py: the batches are the same as
swa4j's for the same seed.
"""
import gzip
import hashlib
import os
from pathlib import Path

import numpy as np

from . import javarandom

REPO = Path(__file__).resolve().parents[3]
EMBEDDED_DIR = REPO / "swa-data/src/main/resources/org/swa4j/data/embedded/fashion-mnist"
EMBEDDED_SHA256 = {  # as org.swa4j.data.sets.EmbeddedFashionMnist.SHA256
    "train-images-idx3-ubyte.gz": "92459a04a2dc276ce091c6dedaf20dab2ace3e44714d7dc55545e0398468d0e5",
    "train-labels-idx1-ubyte.gz": "287d0183cfb50e903cdcb0218dac3710d054e787813bc50dfabbd1a578bea427",
    "t10k-images-idx3-ubyte.gz": "42f99b6056b9c1bb4087f329b7343d635a4d59189a4ecf073100cc054fe7983e",
    "t10k-labels-idx1-ubyte.gz": "940c4e209b7eee226f8f4fc42fbed0b5f7ce5af689ad33c5ccaa28d778e0df13",
}
IDX_FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
SYSTEM_DIR = Path("/usr/share/datasets")
# data set name -> folder under a data directory (None: embedded)
DATASETS = {"fashion-mnist-embedded": None, "fashion-mnist": "fashion-mnist", "mnist": "mnist"}
NUM_CLASSES = 10
PAD, CROP, FLIP = 2, 28, 0.5


class DataError(Exception):
    """A data file is missing, corrupt or does not match its checksum."""


def parse_idx(name, raw, dims):
    """The unsigned-byte IDX array in raw (already decompressed); checks magic, rank and length."""
    if len(raw) < 4 + 4 * dims:
        raise DataError(f"{name}: {len(raw)} bytes, too short for an IDX header of rank {dims}")
    if raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08 or raw[3] != dims:
        raise DataError(f"{name}: bad IDX magic {raw[:4].hex()}; expected 000008{dims:02x} (unsigned bytes, rank {dims})")
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    body = raw[4 + 4 * dims:]
    if len(body) != int(np.prod(shape)):
        raise DataError(f"{name}: {len(body)} data bytes after the header, expected {int(np.prod(shape))} for shape {shape}")
    return np.frombuffer(body, dtype=np.uint8).reshape(shape)


def _read(path, expected_sha256=None):
    content = path.read_bytes()
    if expected_sha256 is not None:
        digest = hashlib.sha256(content).hexdigest()
        if digest != expected_sha256:
            raise DataError(f"{path}: SHA-256 {digest}, expected {expected_sha256}")
    return gzip.decompress(content) if path.name.endswith(".gz") else content


def _split(images_path, labels_path, images_raw, labels_raw):
    images = parse_idx(str(images_path), images_raw, 3)
    labels = parse_idx(str(labels_path), labels_raw, 1)
    if images.shape[0] != labels.shape[0]:
        raise DataError(f"{images_path} has {images.shape[0]} images but {labels_path} {labels.shape[0]} labels")
    if labels.size and labels.max() >= NUM_CLASSES:
        raise DataError(f"{labels_path}: label {int(labels.max())} outside [0, {NUM_CLASSES})")
    return images[:, None, :, :], labels.astype(np.int64)


def data_directories(name, data_dir=None):
    """Where set `name` is looked for, in swa4j's order (org.swa4j.data.sets.DataLocations)."""
    folder = DATASETS[name]
    primary = Path(data_dir) if data_dir else Path(os.environ["SWA4J_DATA"]) if os.environ.get("SWA4J_DATA", "").strip() \
        else Path.home() / ".swa4j" / "data"
    dirs = [primary / folder]
    if SYSTEM_DIR / folder not in dirs:
        dirs.append(SYSTEM_DIR / folder)
    return dirs


def read_splits(name, data_dir=None):
    """((train images, labels), (test images, labels)) of data set `name`, images uint8 [N, 1, 28, 28]."""
    if name not in DATASETS:
        raise DataError(f"dataset '{name}' is not implemented by the PyTorch peer; it reads {sorted(DATASETS)}")
    if DATASETS[name] is None:
        paths = [EMBEDDED_DIR / (f + ".gz") for f in IDX_FILES]
        raws = [_read(p, EMBEDDED_SHA256[p.name]) for p in paths]
    else:
        candidates = data_directories(name, data_dir)
        paths = None
        for d in candidates:
            found = [d / (f + ".gz") if (d / (f + ".gz")).is_file() else d / f for f in IDX_FILES]
            if all(p.is_file() for p in found):
                paths = found
                break
        if paths is None:
            raise DataError(f"{name} not found: expected {[f + '.gz (or raw)' for f in IDX_FILES]} in one of "
                            f"{[str(d) for d in candidates]}" + (" (Debian: apt-get install dataset-fashion-mnist)"
                                                                  if name == "fashion-mnist" else ""))
        raws = [_read(p) for p in paths]
    return _split(paths[0], paths[1], raws[0], raws[1]), _split(paths[2], paths[3], raws[2], raws[3])


def stratified_quotas(class_counts, limit):
    """org.swa4j.data.image.StratifiedSubset.quotas: largest-remainder quotas, ties to the lower class."""
    total = sum(class_counts)
    if not 1 <= limit <= total:
        raise ValueError(f"subset size {limit} must be in [1, {total}]")
    quota = [limit * c // total for c in class_counts]
    remainder = [limit * c % total for c in class_counts]  # same order as swa4j's (scaled % total) / total
    order = sorted(range(len(class_counts)), key=lambda c: (-remainder[c], c))
    for i in range(limit - sum(quota)):
        quota[order[i]] += 1
    return quota


def stratified_subset(labels, limit):
    """Ascending indices of swa4j's stratified subset of `limit` examples."""
    counts = np.bincount(labels, minlength=NUM_CLASSES).tolist()
    quota = stratified_quotas(counts, limit)
    chosen = []
    for i, label in enumerate(labels.tolist()):
        if quota[label] > 0:
            quota[label] -= 1
            chosen.append(i)
    return np.asarray(chosen, dtype=np.int64)


def limited(images, labels, limit, what):
    if not limit or limit == len(labels):
        return images, labels
    if limit > len(labels):
        raise ValueError(f"{what} limit {limit} must be in [0, {len(labels)}]")
    idx = stratified_subset(labels, limit)
    return images[idx], labels[idx]


def train_statistics(images):
    """(mean, std) per channel on the [0, 1] scale, as ChannelNormaliser.ofImages (population std)."""
    c = images.shape[1]
    flat = images.transpose(1, 0, 2, 3).reshape(c, -1).astype(np.int64)
    n = float(flat.shape[1])
    mean, std = [], []
    for ch in range(c):
        s = int(flat[ch].sum())
        sq = int((flat[ch] * flat[ch]).sum())
        m = s / n
        mean.append(m / 255.0)
        std.append(max(sq / n - m * m, 0.0) ** 0.5 / 255.0)
    return mean, std


class ImageData:
    """A data set in memory with swa4j's batching, augmentation and normalisation."""

    def __init__(self, name, train, test, train_limit=None, test_limit=None):
        self.name = name
        self.train_images, self.train_labels = limited(*train, train_limit, name + " train")
        self.test_images, self.test_labels = limited(*test, test_limit, name + " test")
        self.mean, self.std = train_statistics(self.train_images)
        self.scale = np.array([np.float32(1.0 / (255.0 * s)) for s in self.std], dtype=np.float32)[None, :, None, None]
        self.shift = np.array([np.float32(m / s) for m, s in zip(self.mean, self.std)], dtype=np.float32)[None, :, None, None]
        self.padded = np.pad(self.train_images, ((0, 0), (0, 0), (PAD, PAD), (PAD, PAD)))

    @property
    def channels(self):
        return self.train_images.shape[1]

    @property
    def height(self):
        return self.train_images.shape[2]

    @property
    def width(self):
        return self.train_images.shape[3]

    @property
    def train_size(self):
        return len(self.train_labels)

    def describe(self):
        return (f"{self.name}: train {self.train_size}, test {len(self.test_labels)}, {self.channels}x{self.height}x"
                f"{self.width}, normalisation mean {self.mean}, std {self.std}")

    def normalise(self, pixels):
        return pixels.astype(np.float32) * self.scale - self.shift

    def train_pass(self, batch_size, seed, epoch, augment):
        """Pass `epoch` of the training iterator of `seed`: (float32 [b, C, H, W], int64 [b]) batches."""
        order = javarandom.shuffled(self.train_size, seed, epoch)
        if augment:
            rng = javarandom.SplittableRandoms(javarandom.augmentation_seeds(seed, epoch, range(self.train_size)))
            dy = rng.next_int(self.height + 2 * PAD - CROP + 1)
            dx = rng.next_int(self.width + 2 * PAD - CROP + 1)
            flip = rng.next_double() < FLIP
        cols = np.arange(CROP)
        for start in range(0, self.train_size, batch_size):
            idx = order[start:start + batch_size]
            if augment:
                pos = slice(start, start + len(idx))
                rows = dy[pos, None] + cols[None, :]
                columns = dx[pos, None] + np.where(flip[pos, None], CROP - 1 - cols[None, :], cols[None, :])
                crops = self.padded[idx[:, None, None], :, rows[:, :, None], columns[:, None, :]]  # [b, H, W, C]
                pixels = crops.transpose(0, 3, 1, 2)
            else:
                pixels = self.train_images[idx]
            yield self.normalise(pixels), self.train_labels[idx]

    def test_batches(self, batch_size=256):
        for start in range(0, len(self.test_labels), batch_size):
            yield (self.normalise(self.test_images[start:start + batch_size]),
                   self.test_labels[start:start + batch_size])


def open_dataset(name, data_dir=None, train_limit=None, test_limit=None):
    train, test = read_splits(name, data_dir)
    return ImageData(name, train, test, train_limit, test_limit)
