"""The benchmark's profile puts each function's time under the right stage."""

import importlib.util

from tests.conftest import REPO_ROOT

spec = importlib.util.spec_from_file_location("bench_ingest", REPO_ROOT / "benchmarks" / "bench_ingest.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

NORMALISE = ("/x/nenpo/extractors/normalise.py", 10, "parse_cell")
GRIDS = ("/x/nenpo/extractors/grids.py", 20, "_grid")
RULES = ("/x/nenpo/warehouse/rules_kpi.py", 30, "restated_value")


def _stats(*entries):
    """pstats-like: func → (cc, nc, self, cumulative, callers{caller: (cc, nc, self, cum)})."""
    return {func: (1, 1, 0.1, 0.1, callers) for func, callers in entries}


def test_files_are_staged_by_their_path():
    assert bench._stage(NORMALISE, {}, {}) == "normalise + regex"
    assert bench._stage(GRIDS, {}, {}) == "tables (rulings)"
    assert bench._stage(RULES, {}, {}) == "audit"
    assert bench._stage(("/x/site-packages/pdfminer/psparser.py", 1, "nexttoken"), {}, {}) == "tables (pdfplumber)"
    assert bench._stage(("/x/site-packages/somethingelse.py", 1, "f"), {}, {}) == "other"


def test_a_builtin_counts_for_its_library_or_else_for_the_caller_it_spent_most_time_under():
    regex_match = ("~", 0, "<method 'match' of '_regex.Pattern' objects>")
    assert bench._stage(regex_match, {GRIDS: (1, 1, 0.5, 0.5)}, {}) == "normalise + regex"
    append = ("~", 0, "<method 'append' of 'list' objects>")
    callers = {NORMALISE: (1, 1, 0.01, 0.01), GRIDS: (1, 1, 0.30, 0.30)}
    stats = _stats((NORMALISE, {}), (GRIDS, {}))
    assert bench._stage(append, callers, stats) == "tables (rulings)"
    assert bench._stage(append, {}, stats) == "other"
