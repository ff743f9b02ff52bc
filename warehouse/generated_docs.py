"""The parts of docs/ generated from the code: the analysts' contract and the auditors' rule list.

Each sits in its page between markers (``<!-- contract:start -->`` … ``<!-- contract:end -->``,
``<!-- rules:start -->`` … ``<!-- rules:end -->``); tests check the pages are current, and

    python -m nenpo.warehouse.generated_docs [docs/]

rewrites them.
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

from nenpo.warehouse.audit import RULE_MODULES, RULES, Rule
from nenpo.warehouse.schema import contract_markdown

__all__ = ["GENERATED", "rules_markdown", "section", "update"]


def _one_line(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _rule_rows(rules: list[Rule]) -> list[str]:
    rows = ["| rule | severity | what it finds |", "|---|---|---|"]
    rows += [f"| `{r.name}` | {r.severity} | {_one_line(r.description)} |" for r in rules]
    return rows


def rules_markdown() -> str:
    """Every audit rule, the core's then each installed family's, with its severity and docstring."""
    from nenpo.extractors.registry import families

    for module in RULE_MODULES:
        importlib.import_module(module)
    out = ["### Every edition", "", *_rule_rows(list(RULES.values())), ""]
    listed = {r.name for r in RULES.values()}
    for family in families():
        own = [r for r in family.rules if r.name not in listed]
        if not own:
            continue
        listed |= {r.name for r in own}
        out += [f"### `{family.id}`: {family.title}", "", *_rule_rows(own), ""]
    return "\n".join(out)


GENERATED = {"analysts.md": ("contract", contract_markdown), "auditors.md": ("rules", rules_markdown)}
"""Page → (marker name, the function writing its section)."""


def section(text: str, marker: str) -> str | None:
    """The text between a page's markers, or None when the page lacks them."""
    found = re.search(rf"<!-- {marker}:start -->\n(.*)\n<!-- {marker}:end -->", text, re.S)
    return found.group(1) if found else None


def update(docs: Path) -> list[str]:
    """Rewrite every generated section under `docs`; the pages that changed."""
    changed = []
    for page, (marker, write) in GENERATED.items():
        path = docs / page
        text = path.read_text(encoding="utf-8")
        generated = f"<!-- {marker}:start -->\n{write().strip()}\n<!-- {marker}:end -->"
        pattern = re.compile(rf"<!-- {marker}:start -->.*?<!-- {marker}:end -->", re.S)
        updated = pattern.sub(generated.replace("\\", "\\\\"), text)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            changed.append(page)
    return changed


if __name__ == "__main__":
    print(", ".join(update(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))) or "unchanged")
