"""A scanned copy of a sample edition: what an office copier makes of the printed report.

    python -m nenpo.samples.scanned samples/editions/kawasaki-sme-fy2020.pdf out.pdf [--pages 10-13]

Each page is rendered to a grey image at ``DPI``, turned by a small angle (within
``±MAX_ANGLE``°, drawn per page from a seeded generator so a file is reproducible), given
copier noise (grey grain everywhere and ``SPECKLE`` of the pixels flipped to black or
white) and put back, as a JPEG, on a page of the same size: the result has images and no
text layer, exactly what nenpo's page layer flags ``needs_ocr``. The ground truth of the
edition it was made from still holds for it (same pages, same values), which is how OCR
is scored. Scans are made where they are needed (tests, benchmarks) and not committed.
"""

from __future__ import annotations

import io
import random
import sys
from pathlib import Path

from nenpo.extractors.mupdf import pymupdf

DPI = 200
MAX_ANGLE = 0.8  # degrees
GRAIN = 12.0  # standard deviation of the grey noise
SPECKLE = 0.002  # share of pixels flipped to black or white
JPEG_QUALITY = 80


def scan_page(page: pymupdf.Page, rng: random.Random, dpi: int = DPI) -> bytes:
    """One page as a noisy, slightly turned JPEG."""
    import numpy as np
    from PIL import Image

    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
    image = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    image = image.rotate(rng.uniform(-MAX_ANGLE, MAX_ANGLE), resample=Image.BICUBIC, fillcolor=255)
    noise = np.random.default_rng(rng.getrandbits(32))
    pixels = np.asarray(image, dtype=np.float32) + noise.normal(0.0, GRAIN, (pix.height, pix.width))
    flips = noise.random((pix.height, pix.width))
    pixels[flips < SPECKLE / 2] = 0
    pixels[flips > 1 - SPECKLE / 2] = 255
    out = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def scan_pdf(source: str | Path, target: str | Path, pages: list[int] | None = None, seed: int = 2020) -> Path:
    """Write a scanned copy of `source` (all pages, or the 1-based `pages`) to `target`.

    Pages left out are copied as they are, text layer and all: a born-digital report with
    some scanned pages, as when a printed table was scanned into it. Page numbers (and so
    the ground truth's pages) stay the same."""
    rng = random.Random(seed)
    target = Path(target)
    with pymupdf.open(source) as src, pymupdf.open() as out:
        wanted = set(pages) if pages is not None else set(range(1, src.page_count + 1))
        for number, page in enumerate(src, start=1):
            if number not in wanted:
                out.insert_pdf(src, from_page=number - 1, to_page=number - 1)
                continue
            new = out.new_page(width=page.rect.width, height=page.rect.height)
            new.insert_image(new.rect, stream=scan_page(page, rng))
        out.save(target, garbage=3, deflate=True)
    return target


def _pages(spec: str) -> list[int]:
    """``10-13,20`` → [10, 11, 12, 13, 20]."""
    numbers: list[int] = []
    for part in spec.split(","):
        first, _, last = part.partition("-")
        numbers.extend(range(int(first), int(last or first) + 1))
    return numbers


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    pages = None
    if "--pages" in args:
        i = args.index("--pages")
        pages = _pages(args[i + 1])
        args = args[:i] + args[i + 2 :]
    if len(args) != 2:
        print("usage: python -m nenpo.samples.scanned SOURCE.pdf TARGET.pdf [--pages 10-13]", file=sys.stderr)
        return 2
    print(scan_pdf(args[0], args[1], pages))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
