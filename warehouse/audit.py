"""Audit rules: data checks as code, each in one place with a docstring and a test.

A rule is a function of a warehouse connection that yields `Finding`s. It is registered
with the `@rule` decorator, which records its name, severity and description (the
function's docstring, shown to auditors).

`audit` links names across editions, runs every rule and rewrites the `audit_findings`
table in one transaction, so the table always holds the findings of one complete run
over everything loaded. It records the run in `audit_runs` with a fingerprint of its
inputs: the loaded editions, the alias pins and the code of the rules, the name linking
and the views. When nothing of that changed since the latest run (an ingest whose every
edition was unchanged), the stored findings are read back instead of auditing again.

The core's rule modules register on import (`RULE_MODULES` lists them); a report family's
rules (`ReportFamily.rules`, declared with `declare` and gathered with `rules_in`) run beside
them, every family's on every audit: a rule over a family's own tables finds nothing in a
warehouse without that family's editions.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Literal, TypeVar

if TYPE_CHECKING:  # declaring a rule needs no DuckDB, pyarrow or name linking
    import duckdb

    from nenpo.warehouse.identity import Aliases

from nenpo.warehouse.schema import arrow_schema, schema_fingerprint
from nenpo.warehouse.tx import transaction

Severity = Literal["info", "warning", "error"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}

RULE_MODULES: tuple[str, ...] = ("nenpo.warehouse.rules_kpi",)
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
    evidence: dict[str, object] = field(default_factory=dict)
    """Values behind the finding (both editions' values, units, names …), for reports."""


@dataclass(frozen=True)
class Rule:
    name: str
    severity: Severity
    description: str
    check: RuleCheck


RuleCheck = Callable[["duckdb.DuckDBPyConnection"], Iterable[Finding]]
"""A rule's query: the warehouse in, its findings out."""

Check = TypeVar("Check", bound=RuleCheck)

RULES: dict[str, Rule] = {}


def rule(name: str, severity: Severity) -> Callable[[Check], Check]:
    """Register a rule. Its docstring is its description; it yields Findings."""

    def register(fn: Check) -> Check:
        if name in RULES and RULES[name].check is not fn:
            raise ValueError(f"audit rule {name!r} is registered twice")
        RULES[name] = Rule(name, severity, inspect.cleandoc(fn.__doc__ or ""), fn)
        return fn

    return register


def declare(name: str, severity: Severity) -> Callable[[Check], Check]:
    """Declare a family's rule without registering it with the core's: the function gets a
    `Rule` (``fn.rule``) that `rules_in` gathers for `ReportFamily.rules`."""

    def declared(fn: Check) -> Check:
        fn.rule = Rule(name, severity, inspect.cleandoc(fn.__doc__ or ""), fn)  # type: ignore[attr-defined]  # read by rules_in
        return fn

    return declared


def rules_in(*modules: ModuleType) -> tuple[Rule, ...]:
    """Every rule declared (`declare`) in the modules, in the order they are defined."""
    return tuple(
        fn.rule
        for module in modules
        for fn in vars(module).values()
        if callable(fn) and isinstance(getattr(fn, "rule", None), Rule) and fn.__module__ == module.__name__
    )


def load_rules() -> dict[str, Rule]:
    """The core's rules, then every registered family's (`extractors.registry`)."""
    from nenpo.extractors.registry import families

    for module in RULE_MODULES:
        importlib.import_module(module)
    found = dict(RULES)
    for f in families():
        for r in f.rules:
            if r.name in found and found[r.name].check is not r.check:
                raise ValueError(f"audit rule {r.name!r} of family {f.id!r} has the name of another rule")
            found[r.name] = r
    return found


def run_rules(con: duckdb.DuckDBPyConnection, names: Iterable[str] | None = None) -> list[Finding]:
    """Every finding of the chosen rules (all by default), in rule order."""
    rules = load_rules()
    chosen = list(rules) if names is None else list(names)
    findings: list[Finding] = []
    for name in chosen:
        findings.extend(rules[name].check(con))
    return findings


def write_findings(
    con: duckdb.DuckDBPyConnection, findings: list[Finding], fingerprint: str, seconds: float
) -> datetime:
    """Replace the contents of audit_findings with `findings` and append the run to
    audit_runs, in one transaction; return the run's audited_at."""
    rows = [{**asdict(f), "evidence": json.dumps(f.evidence, ensure_ascii=False, default=str)} for f in findings]
    import pyarrow as pa

    schema = arrow_schema("audit_findings")
    schema = pa.schema([fld for fld in schema if fld.name not in ("finding_no", "audited_at")])
    data = pa.Table.from_pylist(rows, schema=schema)
    with transaction(con):
        audited_at: datetime = con.execute("SELECT current_timestamp").fetchone()[0]  # type: ignore[index]  # an aggregate returns one row
        con.execute("DELETE FROM audit_findings")
        con.register("_nenpo_findings", data)
        try:
            con.execute(
                "INSERT INTO audit_findings BY NAME "
                "SELECT row_number() OVER () AS finding_no, *, $at AS audited_at FROM _nenpo_findings",
                {"at": audited_at},
            )
        finally:
            con.unregister("_nenpo_findings")
        con.execute(
            "INSERT INTO audit_runs SELECT $at, $fingerprint, (SELECT count(*) FROM reports), $findings, $seconds",
            {"at": audited_at, "fingerprint": fingerprint, "findings": len(findings), "seconds": seconds},
        )
    return audited_at


# --- auditing only what changed ----------------------------------------------------------------

AUDIT_CODE_MODULES: tuple[str, ...] = (__name__, "nenpo.warehouse.identity", *RULE_MODULES)
"""Modules whose code decides the findings, beside those of every rule (the views are covered by
the schema fingerprint)."""


def _code_digest() -> str:
    return _digest_of(AUDIT_CODE_MODULES + tuple(sorted({r.check.__module__ for r in load_rules().values()})))


@cache
def _digest_of(modules: tuple[str, ...]) -> str:
    digest = hashlib.sha256(schema_fingerprint().encode())
    for module in modules:
        spec = importlib.util.find_spec(module)
        digest.update(Path(spec.origin).read_bytes() if spec and spec.origin else module.encode())
    return digest.hexdigest()


def inputs_fingerprint(con: duckdb.DuckDBPyConnection, aliases: Aliases) -> str:
    """sha256 over everything an audit's findings depend on.

    A load replaces an edition as a whole and stamps it with a new `ingested_at`, so the
    reports table's (report_id, sha256, extractor_version, ingested_at) rows change whenever
    any edition's rows do; the alias pins and the code are added on top.
    """
    editions = con.execute(
        "SELECT report_id, sha256, extractor_version, CAST(ingested_at AS VARCHAR) FROM reports ORDER BY report_id"
    ).fetchall()
    pins = json.dumps(asdict(aliases), ensure_ascii=False, sort_keys=True)
    payload = json.dumps([editions, pins, _code_digest()], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditRun:
    """The findings of an audit, and whether they were computed now or kept from an earlier run."""

    findings: list[Finding]
    audited_at: datetime
    reused: bool
    """True when the inputs matched the latest run's, so its stored findings were returned."""


def stored_findings(con: duckdb.DuckDBPyConnection) -> list[Finding]:
    """The findings in audit_findings, in their order, as Finding objects."""
    names = [f.name for f in Finding.__dataclass_fields__.values()]
    columns = ", ".join(f'"{n}"' for n in names)
    rows = con.execute(f"SELECT {columns} FROM audit_findings ORDER BY finding_no").fetchall()
    findings = []
    for row in rows:
        values = dict(zip(names, row))
        values["evidence"] = json.loads(values["evidence"]) if values["evidence"] else {}
        findings.append(Finding(**values))
    return findings


def audit(con: duckdb.DuckDBPyConnection, aliases: Aliases | None = None, *, reuse: bool = True) -> AuditRun:
    """Link names across editions (the alias tables), run every rule and store the findings.

    With `reuse` (the default), a warehouse whose inputs match the latest recorded run is
    not audited again: that run's findings are read back.
    """
    from nenpo.warehouse.identity import Aliases, refresh_identities

    aliases = aliases or Aliases()
    fingerprint = inputs_fingerprint(con, aliases)
    if reuse:
        latest = con.execute(
            "SELECT audited_at, inputs_fingerprint FROM audit_runs ORDER BY audited_at DESC LIMIT 1"
        ).fetchone()
        if latest is not None and latest[1] == fingerprint:
            return AuditRun(stored_findings(con), latest[0], reused=True)
    started = time.perf_counter()
    refresh_identities(con, aliases)
    findings = run_rules(con)
    audited_at = write_findings(con, findings, fingerprint, time.perf_counter() - started)
    return AuditRun(findings, audited_at, reused=False)
