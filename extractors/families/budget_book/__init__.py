"""Budget books (一般会計予算書): every appropriation of every edition, compared across years.

`FAMILY` is declared under the entry-point group ``nenpo.families``.
"""

from nenpo.extractors.families.budget_book.declare import FAMILY

__all__ = ["FAMILY"]
