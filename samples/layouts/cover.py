"""A cover page that is only a picture: the title is pixels, the PDF page has no text layer."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

from nenpo.samples.generate import PUBLISHED
from nenpo.samples.layouts.fonts import find_mincho

WIDTH, HEIGHT = 595, 842  # one pixel per point of an A4 page


def cover_image(year: int, title: str) -> Image.Image:
    """Draw the cover (ordinance line, title, date, city) in grey levels."""
    font = str(find_mincho())
    image = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, WIDTH - 40, HEIGHT - 40), outline=96, width=3)
    draw.rectangle((40, 230, WIDTH - 40, 330), fill=230)
    for text, size, top in (
        ("「川崎市中小企業活性化のための成長戦略に関する条例」に基づく", 14, 200),
        (title, 22, 266),
        (PUBLISHED[year], 16, 640),
        ("川 崎 市", 20, 690),
    ):
        face = ImageFont.truetype(font, size)
        width = draw.textlength(text, font=face)
        draw.text(((WIDTH - width) / 2, top), text, font=face, fill=0)
    return image
