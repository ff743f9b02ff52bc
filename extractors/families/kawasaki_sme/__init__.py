"""川崎市 中小企業活性化施策実施状況報告書: the yearly report on the city's SME policy.

Its `ReportFamily` is `family.FAMILY` (entry point ``kawasaki-sme`` of ``nenpo.families``).
"""
