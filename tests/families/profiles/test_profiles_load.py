"""Profiles load from YAML with errors naming the file, the line and the field; the shipped
ones validate, and every profile becomes a family through the ``nenpo.families`` entry point."""

from __future__ import annotations

import textwrap

import pytest

from nenpo.extractors import registry
from nenpo.extractors.profiles.family import profile_family
from nenpo.extractors.profiles.load import ENV_VAR, ProfileError, builtin_profile_paths, discover, load_profile

VALID = """\
id: test-sheets
title: テスト 事業評価
edition:
  recognise: ['事業評価シート']
  year:
    - pattern: '(?P<year>令和\\s*[0-9]+\\s*年度)\\s*事業評価シート'
      means: evaluated
record:
  starts: form
  form_header: '事業評価シート'
  name: {label: '^事業名$'}
pdca:
  plan: ['計画']
  action: [{label: '判断理由', after: '方向性'}]
categories:
  - id: direction
    label: '方向性'
    values: {expand: '拡充', keep: '現状維持'}
identities:
  - {id: funding-sum, kind: sum, total: '事業費', parts: ['一般財源', 'その他']}
"""


def write(tmp_path, text: str, name: str = "profile.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(path) -> list[tuple[int | None, str, str]]:
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert str(path) in str(caught.value)
    return [(p.line, p.field, p.message) for p in caught.value.problems]


def test_a_valid_profile_loads_with_its_meaning(tmp_path):
    profile = load_profile(write(tmp_path, VALID))
    assert profile.id == "test-sheets" and profile.series == "test-sheets"
    assert profile.edition.year[0].report_year(2025) == 2024  # evaluated in R7: reports R6
    assert [(phase, alias.label, alias.after) for phase, alias in profile.pdca.phases()] == [
        ("plan", "計画", None),
        ("action", "判断理由", "方向性"),
    ]


def test_a_broken_regex_names_its_line_and_field(tmp_path):
    path = write(tmp_path, VALID.replace("plan: ['計画']", "plan: ['計画(']"))
    [(line, field, message)] = problems(path)
    assert (line, field) == (13, "pdca.plan.0")
    assert "not a valid regular expression" in message and "計画(" in message


def test_a_wrong_value_and_a_bad_id_are_each_named(tmp_path):
    text = VALID.replace("id: test-sheets", "id: Test_Sheets").replace("means: evaluated", "means: sometime")
    found = problems(write(tmp_path, text))
    assert (1, "id") in [(line, field) for line, field, _ in found]
    means = next(p for p in found if p[1] == "edition.year.0.means")
    assert means[0] == 7 and "'reported' or 'evaluated'" in means[2] and "sometime" in means[2]


def test_a_missing_field_points_at_the_mapping_that_lacks_it(tmp_path):
    text = VALID.replace("  form_header: '事業評価シート'\n", "")
    [(line, field, message)] = problems(write(tmp_path, text))
    assert (line, field) == (9, "record") and "form_header" in message


def test_a_year_pattern_without_its_group_is_refused(tmp_path):
    text = VALID.replace("(?P<year>令和\\s*[0-9]+\\s*年度)", "令和[0-9]+年度")
    [(line, field, message)] = problems(write(tmp_path, text))
    assert (line, field) == (6, "edition.year.0.pattern") and "no group named 'year'" in message


def test_an_unknown_key_is_an_error_not_ignored(tmp_path):
    [(line, field, message)] = problems(write(tmp_path, VALID + "kpis: {}\n"))
    assert field == "kpis" and line == VALID.count("\n") + 1 and "Extra inputs" in message


def test_invalid_yaml_names_the_line(tmp_path):
    [(line, field, message)] = problems(write(tmp_path, "id: x\ntitle: [unclosed\nrecord: {}\n"))
    assert line == 3 and message.startswith("not valid YAML")


def test_a_profile_that_is_not_a_mapping(tmp_path):
    [(line, _, message)] = problems(write(tmp_path, "- just\n- a list\n"))
    assert line == 1 and "mapping" in message


def test_every_shipped_profile_validates_and_generic_is_among_them():
    ids = [load_profile(path).id for path in builtin_profile_paths()]
    assert "generic" in ids and len(ids) == len(set(ids))


def test_profiles_from_the_environment_and_a_duplicate_id(tmp_path, monkeypatch):
    extra = tmp_path / "more"
    extra.mkdir()
    write(extra, VALID, "sheets.yaml")
    monkeypatch.setenv(ENV_VAR, str(extra))
    assert "test-sheets" in [loaded.profile.id for loaded in discover()]
    again = tmp_path / "again"
    again.mkdir()
    write(again, VALID, "copy.yaml")
    with pytest.raises(ProfileError, match="also declared in"):
        discover([again])


def test_the_entry_point_gives_every_profile_as_a_family_generic_lowest(tmp_path, monkeypatch):
    extra = tmp_path / "more"
    extra.mkdir()
    write(extra, VALID, "sheets.yaml")
    monkeypatch.setenv(ENV_VAR, str(extra))
    registry.refresh()
    try:
        families = registry.families()
        ids = [f.id for f in families]
        assert "test-sheets" in ids and ids[-1] == "generic"
        found = registry.family("test-sheets")
        assert [rule.name for rule in found.rules] == ["test-sheets.funding-sum"]
        # the declared version, then a digest of what the profile declares
        assert found.extractor_version.startswith("profile-test-sheets-1-") and "sheets.yaml" in found.source
    finally:
        monkeypatch.delenv(ENV_VAR)
        registry.refresh()


def test_a_profile_family_recognises_by_its_patterns(tmp_path):
    from nenpo.extractors.family import DocumentProbe

    family = profile_family(load_profile(write(tmp_path, VALID)))
    probe = DocumentProbe(tmp_path / "x.pdf", {}, ("令和7年度 事業評価シート\n事業名 テスト",), "0" * 64)
    found = family.recognise(probe)
    assert found is not None and found.fiscal_year == 2024 and found.series == "test-sheets"
    assert family.recognise(DocumentProbe(tmp_path / "y.pdf", {}, ("別の報告書",), "0" * 64)) is None


def test_a_broken_profile_is_left_out_of_the_families_with_a_warning(tmp_path, monkeypatch, caplog):
    extra = tmp_path / "more"
    extra.mkdir()
    write(extra, VALID.replace("plan: ['計画']", "plan: ['計画(']"), "broken.yaml")
    monkeypatch.setenv(ENV_VAR, str(extra))
    registry.refresh()
    try:
        with caplog.at_level("WARNING"):
            ids = [f.id for f in registry.families()]
        assert "generic" in ids and "kawasaki-sme" in ids and "test-sheets" not in ids
        assert f"{extra / 'broken.yaml'}, line 13, field pdca.plan.0" in caplog.text
    finally:
        monkeypatch.delenv(ENV_VAR)
        registry.refresh()
