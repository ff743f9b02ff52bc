"""IPAex Mincho, the serif type of the mincho layout (Debian's fonts-ipaexfont-mincho)."""

from __future__ import annotations

import os
from pathlib import Path

from nenpo.samples.layout import FontNotFound

MINCHO = "IPAexMincho"
MINCHO_CANDIDATES = (
    "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf",
    "/usr/share/fonts/truetype/ipaexfont-mincho/ipaexm.ttf",
)


def find_mincho() -> Path:
    """IPAexMincho: $NENPO_MINCHO_FONT or Debian's fonts-ipaexfont-mincho."""
    for candidate in (os.environ.get("NENPO_MINCHO_FONT", ""), *MINCHO_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise FontNotFound(
        "IPAexMincho not found: install Debian's fonts-ipaexfont-mincho (`make samples` does) "
        "or set NENPO_MINCHO_FONT to an ipaexm.ttf"
    )
