"""Audit rules: data checks as code, each in one place with a docstring and a test.

A rule is a function of a warehouse connection that yields `Finding`s. It is registered
with the `@rule` decorator, which records its name, severity and description (the
function's docstring, shown to auditors). `run_audit` runs every rule and rewrites the
`audit_findings` table in one transaction, so the table always holds the findings of one
complete run over everything loaded.

Rule modules register on import; `RULE_MODULES` lists them.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Literal

import duckdb
import pyarrow as pa

from nenpo.warehouse.schema import arrow_schema

Severity = Literal["info", "warning", "error"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}

RULE_MODULES: tuple[str, ...] = ("nenpo.warehouse.rules_kpi", "nenpo.warehouse.rules_pdca", "nenpo.warehouse.rules_tables")
"""Modules whose import registers rules."""


@dataclass(frozen=True)
class Finding:
    """One thing an auditor should look at."""

    check: str
    severity: Severity
    detail: str
    report_fiscal_year: int | None = None
    measure: str | None = None
    indicator: str | None = None
    fiscal_year: int | None = None
    page: int | None = None
    series: str | None = None
    report_id: str | None = None
    evidence: dict = field(default_factory=dict)
    """Values behind the finding (both editions' values, units, names …), for reports."""


@dataclass(frozen=True)
class Rule:
    name: str
    severity: Severity
    description: str
    check: Callable[[duckdb.DuckDBPyConnection], Iterable[Finding]]


RULES: dict[str, Rule] = {}


def rule(name: str, severity: Severity) -> Callable:
    """Register a rule. Its docstring is its description; it yields Findings."""

    def register(fn: Callable[[duckdb.DuckDBPyConnection], Iterable[Finding]]):
        if name in RULES and RULES[name].check is not fn:
            raise ValueError(f"audit rule {name!r} is registered twice")
        RULES[name] = Rule(name, severity, inspect.cleandoc(fn.__doc__ or ""), fn)
        return fn

    return register


def load_rules() -> dict[str, Rule]:
    for module in RULE_MODULES:
        importlib.import_module(module)
    return RULES


def run_rules(con: duckdb.DuckDBPyConnection, names: Iterable[str] | None = None) -> list[Finding]:
    """Every finding of the chosen rules (all by default), in rule order."""
    rules = load_rules()
    chosen = list(rules) if names is None else list(names)
    findings: list[Finding] = []
    for name in chosen:
        findings.extend(rules[name].check(con))
    return findings


def write_findings(con: duckdb.DuckDBPyConnection, findings: list[Finding]) -> int:
    """Replace the contents of audit_findings with `findings`, in one transaction."""
    import json

    rows = [
        {**asdict(f), "evidence": json.dumps(f.evidence, ensure_ascii=False, default=str)} for f in findings
    ]
    schema = arrow_schema("audit_findings")
    schema = pa.schema([fld for fld in schema if fld.name not in ("finding_no", "audited_at")])
    data = pa.Table.from_pylist(rows, schema=schema)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM audit_findings")
        con.register("_nenpo_findings", data)
        try:
            con.execute(
                "INSERT INTO audit_findings BY NAME "
                "SELECT row_number() OVER () AS finding_no, *, current_timestamp AS audited_at FROM _nenpo_findings"
            )
        finally:
            con.unregister("_nenpo_findings")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(findings)


def run_audit(con: duckdb.DuckDBPyConnection) -> list[Finding]:
    """Run every rule and store the findings in audit_findings."""
    findings = run_rules(con)
    write_findings(con, findings)
    return findings
