"""川崎市 中小企業活性化施策実施状況報告書: the yearly report on the city's SME policy."""

from __future__ import annotations

from nenpo.extractors.families.kawasaki_sme.family import FAMILY

__all__ = ["FAMILY"]
