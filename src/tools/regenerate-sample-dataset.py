#!/usr/bin/env python3
"""Regenerates Orchard's bundled sample dataset from Debian's dataset-fashion-mnist.

    apt-get install dataset-fashion-mnist
    python3 src/tools/regenerate-sample-dataset.py

Writes the first PER_LABEL images of each class of the Fashion-MNIST training set
as 28x28 grayscale PNGs to src/main/resources/sample-dataset/fashion-mnist/<label>/.
Pure standard library, deterministic: the same package gives byte-identical files.
"""
import gzip
import os
import shutil
import struct
import sys
import zlib

SOURCE = "/usr/share/datasets/fashion-mnist"
TARGET = os.path.join(os.path.dirname(__file__), "..", "main", "resources", "sample-dataset", "fashion-mnist")
PER_LABEL = 300
LABELS = ["tshirt-top", "trouser", "pullover", "dress", "coat",
          "sandal", "shirt", "sneaker", "bag", "ankle-boot"]


def read_idx(name):
    with gzip.open(os.path.join(SOURCE, name), "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">II", data[8:16])
        return [data[16 + i * rows * cols:16 + (i + 1) * rows * cols] for i in range(count)], rows, cols
    return list(data[8:8 + count]), None, None


def png_gray(pixels, width, height):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + pixels[y * width:(y + 1) * width] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main():
    images, rows, cols = read_idx("train-images-idx3-ubyte.gz")
    labels, _, _ = read_idx("train-labels-idx1-ubyte.gz")
    shutil.rmtree(TARGET, ignore_errors=True)
    written = {label: 0 for label in range(len(LABELS))}
    for index, (image, label) in enumerate(zip(images, labels)):
        if written[label] >= PER_LABEL:
            continue
        folder = os.path.join(TARGET, LABELS[label])
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "train-%05d.png" % index), "wb") as out:
            out.write(png_gray(image, cols, rows))
        written[label] += 1
        if all(n >= PER_LABEL for n in written.values()):
            break
    print("wrote %d images to %s" % (sum(written.values()), os.path.normpath(TARGET)), file=sys.stderr)


if __name__ == "__main__":
    main()
