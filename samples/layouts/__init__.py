"""Alternative typesettings of the sample editions, beside the two-column landscape one.

- `text_order`: lines flowed in the order given onto A4 portrait pages, KPI and census
  blocks as grids (ruled, or aligned by whitespace in an unruled style);
- `stream`: an edition as a stream of lines and tables with truth records pinned to them;
- `part_front`, `part_sheets`, `part_back`: the edition's parts written into a stream,
  in the real report's text-layer order or in reading order;
- `editions`: the two layouts (text order; mincho with an image-only cover), laid out and
  written with their ground truth.
"""
