"""Reading profiles from YAML, with errors that name the file, the line and the field.

PyYAML composes the document into nodes that keep their position (`yaml.compose`); a
pydantic error's location (``('kpi', 'kinds', 2, 'label')``) is walked down those nodes to
the line that holds the offending value, or to the nearest enclosing mapping when the
field is missing::

    profiles/ikeda.yaml, line 14, field kpi.kinds.2.label: not a valid regular expression '目標(': …

Where profiles come from (`profile_dirs`): the families shipped in the package
(``extractors/families/<id>/profile.yaml``), then every ``*.yaml`` in the directories of
``$NENPO_PROFILES`` (``os.pathsep``-separated) and of ``--profiles DIR``. A profile id
declared twice is an error naming both files.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from nenpo.core.errors import ProfileError
from nenpo.extractors.profiles.model import Profile

__all__ = [
    "ENV_VAR",
    "LoadedProfile",
    "ProfileError",
    "builtin_profile_paths",
    "discover",
    "load_profile",
    "profile_paths",
]

ENV_VAR = "NENPO_PROFILES"
PACKAGE_FAMILIES = Path(__file__).resolve().parent.parent / "families"


@dataclass(frozen=True)
class Problem:
    line: int | None  # 1-based
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line is not None else ""
        return f"{where}field {self.field or '(top level)'}: {self.message}"


@dataclass(frozen=True)
class LoadedProfile:
    profile: Profile
    path: Path


def _node_at(root: yaml.Node, loc: tuple) -> yaml.Node:
    """The deepest node along `loc` (mapping keys, sequence indices) that exists."""
    node = root
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            found = node.value[key]
        else:
            found = None
        if found is None:
            break
        node = found
    return node


def _field(loc: tuple) -> str:
    # pydantic adds the validator's name ('function-after[...]') and union tags to some locations
    return ".".join(str(part) for part in loc if not (isinstance(part, str) and "[" in part))


TYPE_ERRORS = frozenset({"model_type", "dict_type", "string_type", "model_attributes_type"})


def _relevant(errors: list[dict]) -> list[dict]:
    """A field that may be a string or a mapping (a phase alias) fails once per branch: keep
    the branch's own complaint (a broken regex), drop 'should be a dictionary'."""

    def clean(loc):
        return tuple(p for p in loc if not (isinstance(p, str) and "[" in p))

    specific = {clean(e["loc"]) for e in errors if e["type"] not in TYPE_ERRORS}
    out, seen = [], set()
    for e in errors:
        key = (clean(e["loc"]), e["msg"])
        if (e["type"] in TYPE_ERRORS and clean(e["loc"]) in specific) or key in seen:
            continue
        seen.add(key)
        out.append(e)
    return out


def load_profile(path: str | Path) -> Profile:
    """Read and validate one profile file; `ProfileError` names every problem's line and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(path, [Problem(None, "", f"cannot read the file: {exc}")]) from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise ProfileError(path, [Problem(line, "", f"not valid YAML: {reason}")]) from exc
    if not isinstance(data, dict) or root is None:
        raise ProfileError(path, [Problem(1, "", "a profile is a mapping (id: …, title: …)")])
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in _relevant(exc.errors()):
            loc = tuple(error["loc"])
            node = _node_at(root, tuple(p for p in loc if not (isinstance(p, str) and "[" in p)))
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] not in ("missing",) and not isinstance(error.get("input"), (dict, list)):
                message += f" (got {error.get('input')!r})"
            problems.append(Problem(node.start_mark.line + 1, _field(loc), message))
        raise ProfileError(path, problems) from exc


def builtin_profile_paths() -> list[Path]:
    """The profiles shipped in the package: ``extractors/families/*/profile.yaml``."""
    return sorted(PACKAGE_FAMILIES.glob("*/profile.yaml"))


def profile_paths(dirs: Iterable[str | Path] = ()) -> list[Path]:
    """Shipped profiles, then those in ``$NENPO_PROFILES`` and in `dirs` (a file is taken as is)."""
    paths = builtin_profile_paths()
    extra = [d for d in os.environ.get(ENV_VAR, "").split(os.pathsep) if d] + [str(d) for d in dirs]
    for entry in extra:
        p = Path(entry)
        if p.is_dir():
            paths += sorted(p.glob("*.yaml")) + sorted(p.glob("*.yml"))
        elif p.is_file():
            paths.append(p)
        else:
            raise ProfileError(p, [Problem(None, "", "no such profile file or directory")])
    return paths


def discover(dirs: Iterable[str | Path] = ()) -> list[LoadedProfile]:
    """Every profile (see `profile_paths`), validated; a duplicate id names both files."""
    seen: dict[str, Path] = {}
    out = []
    for path in profile_paths(dirs):
        if path.resolve() in {p.resolve() for p in seen.values()}:
            continue
        profile = load_profile(path)
        if profile.id in seen:
            raise ProfileError(
                path, [Problem(None, "id", f"profile id {profile.id!r} is also declared in {seen[profile.id]}")]
            )
        seen[profile.id] = path
        out.append(LoadedProfile(profile, path))
    return out
