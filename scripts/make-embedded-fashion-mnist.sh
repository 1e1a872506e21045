#!/usr/bin/env bash
# Regenerates swa-data's embedded Fashion-MNIST subset (6,000 training images, 600 per class,
# the first of each class in file order, and the whole 10,000-image test set) from the four official IDX .gz files, deterministically, and prints
# the SHA-256 of each generated file. Those values must equal EmbeddedFashionMnist.SHA256 (the loader checks
# them; a test checks SHA256SUMS against them).
#   scripts/make-embedded-fashion-mnist.sh [dir-with-official-files]   (default: /usr/share/datasets/fashion-mnist)
set -euo pipefail
cd "$(dirname "$0")/.."
src="${1:-/usr/share/datasets/fashion-mnist}"
out=swa-data/src/main/resources/org/swa4j/data/embedded/fashion-mnist
mvn -B -q -pl swa-data -am compile
java -cp swa-data/target/classes org.swa4j.data.embedded.EmbeddedSubsetBuilder "$src" "$out"
(cd "$out" && sha256sum -c SHA256SUMS)
