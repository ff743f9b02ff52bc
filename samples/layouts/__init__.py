"""Alternative typesettings of the sample editions, beside the two-column landscape one.

- `text_order`: the text written line by line in the order a PDF text layer reads, on A4
  portrait pages, KPI and census blocks ruled (no cover page).
- `mincho`: Mincho type, headings the size of body text, unruled tables that run across
  pages, a cover page that is only an image.
"""
