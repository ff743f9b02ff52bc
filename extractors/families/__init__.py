"""nenpo's own report families, one package each (`extractors.family.ReportFamily`).

Each is declared in pyproject.toml under the entry-point group ``nenpo.families``, exactly as
a plug-in family of another distribution would be.
"""
