"""Three report families read by their YAML profiles alone, against truth typed by hand
from the pages of real sheets (`tests/data/sheets/*.json`): 池田市 事務事業評価,
京都市 新規・充実事業の取組状況, 横浜市 事業評価書.

Every KPI value, cost cell, PDCA section and category field of the truth must be read
(recall) and nothing else (precision). The same forms typeset afresh with invented content
(`tests/family_forms.py`) must read as well, so the profiles are not fitted to five files.
Each profile must decline the other families' sheets, and without it the generic family
still reads them.

    python -m tests.families.profiles.test_family_sheets     # precision / recall per family and kind
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest

from nenpo.extractors import registry
from nenpo.extractors.family import DocumentProbe
from nenpo.extractors.profiles.engine import extract_by_profile
from nenpo.extractors.profiles.family import recognise_by_profile
from nenpo.extractors.profiles.load import load_profile
from tests import family_forms
from tests.conftest import REPO_ROOT
from tests.sheet_truth import KINDS, Score, canon, load_truth, score, truth_files

FAMILIES_DIR = REPO_ROOT / "extractors" / "families"
FAMILY_DIRS = {
    "ikeda-jimujigyo": "ikeda_jimujigyo",
    "kyoto-shinki-juujitsu": "kyoto_shinki_juujitsu",
    "yokohama-jigyo-hyoka": "yokohama_jigyo_hyoka",
}
TRUTHS = {path.stem: load_truth(path) for path in truth_files()}


def profile_of(family_id: str):
    return load_profile(FAMILIES_DIR / FAMILY_DIRS[family_id] / "profile.yaml")


@pytest.fixture(scope="module")
def sheets_dir(realpdfs_dir: Path) -> Path:
    path = realpdfs_dir / "sheets"
    if not path.is_dir():
        pytest.skip(f"evaluation sheets not present at {path}")
    return path


@pytest.fixture(scope="module")
def readings(sheets_dir: Path) -> dict:
    """Each real sheet read through its family's profile, once."""
    return {
        stem: extract_by_profile(sheets_dir / truth["file"], profile_of(truth["family"]))
        for stem, truth in TRUTHS.items()
    }


def test_every_sheet_has_typed_truth():
    assert set(TRUTHS) == {
        "ikeda_r7_jimujigyo_hyoka_no010_shinyo",
        "ikeda_r7_jimujigyo_hyoka_no018_haishi",
        "kyoto_r6_shinki_juujitsu_no010_2p",
        "yokohama_r7_jigyo_hyokasho_no001_2p",
        "yokohama_r7_jigyo_hyokasho_no003_1p",
    }
    for truth in TRUTHS.values():
        assert truth["family"] in FAMILY_DIRS


@pytest.mark.parametrize(
    ("printed", "key"),
    [
        ("事\u3000業\u3000費\u3000\u3000Ａ", "事業費A"),  # the Ikeda sheet's row label
        ("‐", "-"),  # the dash of an unreported KPI cell (U+2010)
        ("㎘", "kl"),
        ("１０％", "10%"),
        ("26,700（22,050）", "26,700(22,050)"),
        ("グローバル・ニッチ・トップ", "グローバル・ニッチ・トップ"),  # ー is a long vowel, not a dash
    ],
)
def test_printed_text_is_compared_without_spacing_and_width(printed, key):
    assert canon(printed) == key


@pytest.mark.realpdfs
@pytest.mark.parametrize("stem", sorted(TRUTHS))
def test_record_edition_and_family(readings, stem):
    truth, extraction = TRUTHS[stem], readings[stem]
    assert extraction.family == truth["family"]
    assert extraction.report_fiscal_year == truth["edition"]["fiscal_year_reported"]
    top = [m for m in extraction.measures if m.parent is None]
    assert [canon(m.name) for m in top] == [canon(truth["record"]["name"])]
    assert top[0].page_start == truth["record"]["page"]
    subs = [canon(m.name) for m in extraction.measures if m.parent is not None]
    assert subs == [canon(s) for s in truth["record"].get("subs", [])]
    assert extraction.part == top[0].name  # a file of one sheet is the part of the edition it names
    assert not extraction.warnings, [w.message for w in extraction.warnings]


@pytest.mark.realpdfs
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("stem", sorted(TRUTHS))
def test_reads_exactly_the_typed_truth(readings, stem, kind):
    result = score(readings[stem], TRUTHS[stem])[kind]
    assert not result.missing, f"{stem}: {kind} the profile missed: {result.missing}"
    assert not result.extra, f"{stem}: {kind} the profile read beyond the page: {result.extra}"
    assert result.matched == result.expected


@pytest.mark.realpdfs
@pytest.mark.parametrize("stem", sorted(TRUTHS))
def test_amounts_and_values_are_numbers(readings, stem):
    """Beside the printed text: the amount in thousand yen, the KPI value as a number (a
    dash is a value not reported)."""
    extraction = readings[stem]
    for cost in extraction.costs:
        assert cost.thousand_yen == float(canon(cost.value_text).replace(",", ""))
    for kpi in extraction.kpi_values:
        if canon(kpi.value_text) == "-":
            assert kpi.value is None and kpi.status == "not_reported"
        else:
            assert kpi.value == float(canon(kpi.value_text).replace(",", "").rstrip("%"))
            assert kpi.status == "reported"


@pytest.mark.realpdfs
@pytest.mark.parametrize("family_id", ["ikeda-jimujigyo", "yokohama-jigyo-hyoka"])
def test_a_book_of_sheets_reads_each_record(sheets_dir, tmp_path, family_id):
    """A published book holds many sheets one after another: the family's sheets joined
    into one PDF (in a temporary folder) read as one record each, every value under its own."""
    import pymupdf

    stems = sorted(stem for stem, truth in TRUTHS.items() if truth["family"] == family_id)
    book = pymupdf.open()
    for stem in stems:
        with pymupdf.open(sheets_dir / TRUTHS[stem]["file"]) as sheet:
            book.insert_pdf(sheet)
    path = tmp_path / "book.pdf"
    book.save(path)
    extraction = extract_by_profile(path, profile_of(family_id))
    assert [canon(m.name) for m in extraction.measures if m.parent is None] == [
        canon(TRUTHS[stem]["record"]["name"]) for stem in stems
    ]
    assert extraction.part is None  # a book is the whole edition
    joined: dict = {"record": {"name": ""}, **{kind: [] for kind in KINDS}}
    for stem in stems:
        for kind in KINDS:
            joined[kind] += [{"sub": TRUTHS[stem]["record"]["name"], **e} for e in TRUTHS[stem][kind]]
    for kind, result in score(extraction, joined).items():
        assert not result.missing and not result.extra, (kind, result.missing, result.extra)


@pytest.mark.realpdfs
def test_the_sheets_load_side_by_side_and_their_identities_hold(readings, tmp_path):
    """All five sheets in one real warehouse: each file a part of its edition, every typed
    value a row, and the shipped profiles' identities (財源 = 事業費 …) without a finding."""
    from nenpo.extractors.profiles.family import profile_family
    from nenpo.warehouse.db import connect
    from nenpo.warehouse.load import load_extraction

    con = connect(tmp_path / "nenpo.duckdb")
    try:
        for extraction in readings.values():
            load_extraction(con, extraction)
        parts = sorted(con.execute("SELECT series, part, report_fiscal_year FROM reports").fetchall())
        assert parts == sorted(
            (
                t["family"],
                next(m.name for m in readings[stem].measures if m.parent is None),
                t["edition"]["fiscal_year_reported"],
            )
            for stem, t in TRUTHS.items()
        )
        for table, kind in (
            ("kpi_values", "kpi"),
            ("costs", "costs"),
            ("pdca_items", "sections"),
            ("categories", "categories"),
        ):
            [(rows,)] = con.execute(f"SELECT count(*) FROM {table}").fetchall()
            assert rows == sum(len(t[kind]) for t in TRUTHS.values()), table
        loaded = sorted(con.execute("SELECT item, fiscal_year, basis, thousand_yen FROM costs").fetchall())
        typed = sorted(
            (c["item"], c["fiscal_year"], c["basis"], float(c["value"].replace(",", "")))
            for t in TRUTHS.values()
            for c in t["costs"]
        )
        assert loaded == typed
        for family_id in FAMILY_DIRS:
            for rule in profile_family(profile_of(family_id)).rules:
                assert list(rule.check(con)) == [], rule.name
    finally:
        con.close()


# --------------------------------------------------------------------------------------
# recognition: each profile claims its own family's sheets and no other's


@pytest.mark.realpdfs
@pytest.mark.parametrize("family_id", sorted(FAMILY_DIRS))
@pytest.mark.parametrize("stem", sorted(TRUTHS))
def test_profile_recognises_only_its_own_family(sheets_dir, family_id, stem):
    truth = TRUTHS[stem]
    found = recognise_by_profile(profile_of(family_id), registry.probe(sheets_dir / truth["file"]))
    if truth["family"] == family_id:
        assert found is not None and found.fiscal_year == truth["edition"]["fiscal_year_reported"]
    else:
        assert found is None, f"{family_id} claims {stem}: {found.why}"


def test_a_title_other_cities_print_is_not_enough():
    """横浜市's title 令和N年度 事業評価書 is claimed only beside the form's own labels
    (`edition.require`)."""
    profile = profile_of("yokohama-jigyo-hyoka")
    title_only = DocumentProbe(Path("other-city.pdf"), {}, ("令和7年度 事業評価書\n事業名\n事業費",), "0" * 64)
    assert recognise_by_profile(profile, title_only) is None
    with_labels = DocumentProbe(
        Path("yokohama.pdf"), {}, ("令和7年度 事業評価書\n令和6年度事業名\n所管区局・課\n細事業名称",), "0" * 64
    )
    found = recognise_by_profile(profile, with_labels)
    assert found is not None and found.fiscal_year == 2024


@pytest.mark.realpdfs
@pytest.mark.parametrize("stem", sorted(TRUTHS))
def test_registry_picks_the_family_and_generic_is_next(sheets_dir, stem):
    """Installed families rank the sheet's own family first; with its profile absent, the
    generic family is the one left to read it."""
    truth = TRUTHS[stem]
    ranked = [r.family for r in registry.recognitions(registry.probe(sheets_dir / truth["file"]))]
    assert ranked == [truth["family"], "generic"]


@pytest.mark.realpdfs
@pytest.mark.parametrize("stem", sorted(TRUTHS))
def test_generic_family_reads_the_sheet_without_its_profile(sheets_dir, stem):
    truth = TRUTHS[stem]
    extraction = registry.family("generic").extract(sheets_dir / truth["file"])
    assert extraction.family == "generic"
    assert extraction.page_count == len(extraction.pages) >= 1
    assert extraction.table_cells and extraction.sections
    printed = {canon(c.text) for c in extraction.table_cells} | {canon(s.text) for s in extraction.sections}
    assert any(canon(truth["record"]["name"]) in text for text in printed)


# --------------------------------------------------------------------------------------
# the same forms typeset afresh with invented content


YOKOHAMA_BREAKING = replace(family_forms.INVENTED_YOKOHAMA, break_inside=True)

INVENTED = {
    "ikeda": (
        "ikeda-jimujigyo",
        lambda path: family_forms.write(path, [family_forms.ikeda_sheet(family_forms.INVENTED_IKEDA)], "事務事業評価"),
        lambda name: family_forms.ikeda_truth(family_forms.INVENTED_IKEDA, name),
    ),
    "kyoto": (
        "kyoto-shinki-juujitsu",
        lambda path: family_forms.write(path, family_forms.kyoto_sheets(family_forms.INVENTED_KYOTO), "新規・充実事業"),
        lambda name: family_forms.kyoto_truth(family_forms.INVENTED_KYOTO, name),
    ),
    "yokohama": (
        "yokohama-jigyo-hyoka",
        lambda path: family_forms.write(
            path, family_forms.yokohama_sheets(family_forms.INVENTED_YOKOHAMA), "事業評価書"
        ),
        lambda name: family_forms.yokohama_truth(family_forms.INVENTED_YOKOHAMA, name),
    ),
    # the second 細事業 breaks across the page before its 客観的指標に基づく分析 rows
    "yokohama-break": (
        "yokohama-jigyo-hyoka",
        lambda path: family_forms.write(path, family_forms.yokohama_sheets(YOKOHAMA_BREAKING), "事業評価書"),
        lambda name: family_forms.yokohama_truth(YOKOHAMA_BREAKING, name),
    ),
}


@pytest.fixture(scope="module")
def invented(tmp_path_factory) -> dict:
    """Each invented sheet drawn into a temporary folder, read by its profile, with its truth."""
    folder = tmp_path_factory.mktemp("invented-sheets")
    out = {}
    for key, (family_id, draw, truth_of) in INVENTED.items():
        path = draw(folder / f"{key}.pdf")
        out[key] = (extract_by_profile(path, profile_of(family_id)), truth_of(path.name), path)
    return out


@pytest.mark.parametrize("key", sorted(INVENTED))
def test_invented_sheet_is_recognised_by_its_profile_only(invented, key):
    _, truth, path = invented[key]
    ranked = [r.family for r in registry.recognitions(registry.probe(path))]
    assert ranked == [truth["family"], "generic"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("key", sorted(INVENTED))
def test_invented_sheet_reads_exactly(invented, key, kind):
    extraction, truth, _ = invented[key]
    assert extraction.report_fiscal_year == truth["edition"]["fiscal_year_reported"]
    assert [canon(m.name) for m in extraction.measures] == [canon(truth["record"]["name"])] + [
        canon(s) for s in truth["record"].get("subs", [])
    ]
    result = score(extraction, truth)[kind]
    assert not result.missing, f"{key}: {kind} missed: {result.missing}"
    assert not result.extra, f"{key}: {kind} read beyond the page: {result.extra}"
    assert result.expected > 0


def test_the_walkthrough_shows_the_shipped_profile():
    """docs/adding-a-family.md quotes the Ikeda profile; it must be the one nenpo ships."""
    doc = (FAMILIES_DIR.parent.parent / "docs" / "adding-a-family.md").read_text(encoding="utf-8")
    quoted = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    shipped = (FAMILIES_DIR / "ikeda_jimujigyo" / "profile.yaml").read_text(encoding="utf-8")
    assert quoted == shipped


@pytest.mark.realpdfs
def test_the_walkthrough_shows_what_profiles_check_prints(sheets_dir):
    """The rows of `nenpo profiles check` the walkthrough quotes (those not cut short with
    …) are rows the command prints for that sheet."""
    from typer.testing import CliRunner

    from nenpo.pipeline.cli import app

    doc = (FAMILIES_DIR.parent.parent / "docs" / "adding-a-family.md").read_text(encoding="utf-8")
    quoted = doc.split("nenpo profiles check ikeda-jimujigyo", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    rows = [line for line in quoted.splitlines() if line.startswith(("│", "gate ")) and "…" not in line]
    assert len(rows) >= 10
    result = CliRunner().invoke(
        app, ["profiles", "check", "ikeda-jimujigyo", str(sheets_dir / "ikeda_r7_jimujigyo_hyoka_no018_haishi.pdf")]
    )
    assert result.exit_code == 0, result.output
    printed = [" ".join(line.split()) for line in result.output.splitlines()]
    for row in rows:  # a quoted row may leave out the columns after its text
        assert any(line.startswith(" ".join(row.split())) for line in printed), row


def test_the_walkthrough_shows_what_a_broken_profile_prints(tmp_path, monkeypatch):
    """The walkthrough's invalid profile (the shipped one with a bracket left open) gives
    the errors it quotes."""
    from typer.testing import CliRunner

    from nenpo.pipeline.cli import app

    doc = (FAMILIES_DIR.parent.parent / "docs" / "adding-a-family.md").read_text(encoding="utf-8")
    quoted = doc.split("$ nenpo profiles check broken.yaml\n", 1)[1].split("```", 1)[0].splitlines()
    shipped = (FAMILIES_DIR / "ikeda_jimujigyo" / "profile.yaml").read_text(encoding="utf-8")
    broken = shipped.replace("after: '方向性'}", "after: '方向性('}")
    assert broken != shipped
    (tmp_path / "broken.yaml").write_text(broken, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["profiles", "check", "broken.yaml"])
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if line.strip()] == quoted


VARIED = {
    "ikeda": (
        "ikeda-jimujigyo",
        family_forms.varied_ikeda,
        lambda c: [family_forms.ikeda_sheet(c)],
        family_forms.ikeda_truth,
    ),
    "kyoto": ("kyoto-shinki-juujitsu", family_forms.varied_kyoto, family_forms.kyoto_sheets, family_forms.kyoto_truth),
    "yokohama": (
        "yokohama-jigyo-hyoka",
        family_forms.varied_yokohama,
        family_forms.yokohama_sheets,
        family_forms.yokohama_truth,
    ),
}


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("form", sorted(VARIED))
def test_varied_sheets_read_exactly(tmp_path, form, seed):
    """Sheets whose content a seeded generator draws from small vocabularies: 1–5 indicators
    or targets, 1–4 内訳 rows, 1–3 細事業, years from 令和4 to 令和12, blanks and dashes,
    options marked at random."""
    family_id, content_of, draw, truth_of = VARIED[form]
    content = content_of(seed)
    path = family_forms.write(tmp_path / f"{form}-{seed}.pdf", draw(content), "varied")
    truth = truth_of(content, path.name)
    extraction = extract_by_profile(path, profile_of(family_id))
    assert extraction.report_fiscal_year == truth["edition"]["fiscal_year_reported"]
    assert not extraction.warnings, [w.message for w in extraction.warnings]
    for kind, result in score(extraction, truth).items():
        assert not result.missing and not result.extra, (kind, result.missing, result.extra)


def test_a_kyoto_book_reads_each_business_over_its_two_pages(tmp_path):
    """Businesses of one edition printed one after another, two pages each, every page
    repeating the business's header: one record per business, every value under its own."""
    contents = [family_forms.varied_kyoto(seed, year=6) for seed in (3, 4, 5)]
    contents = [replace(c, name=f"{c.name}{n}") for n, c in enumerate(contents, start=1)]  # names may repeat
    sheets = [sheet for c in contents for sheet in family_forms.kyoto_sheets(c)]
    path = family_forms.write(tmp_path / "book.pdf", sheets, "新規・充実事業")
    extraction = extract_by_profile(path, profile_of("kyoto-shinki-juujitsu"))
    assert [(canon(m.name), m.page_start, m.page_end) for m in extraction.measures] == [
        (canon(c.name), 2 * n + 1, 2 * n + 2) for n, c in enumerate(contents)
    ]
    truths = [family_forms.kyoto_truth(c, path.name) for c in contents]
    joined: dict = {"record": {"name": ""}}
    for kind in KINDS:
        joined[kind] = [{"sub": t["record"]["name"], **e} for t in truths for e in t[kind]]
    for kind, result in score(extraction, joined).items():
        assert not result.missing and not result.extra, (kind, result.missing, result.extra)


def figures(sheets: Path) -> dict[str, dict[str, Score]]:
    """Precision and recall per family and kind, summed over the real sheets."""
    totals: dict[str, dict[str, Score]] = defaultdict(lambda: {kind: Score() for kind in KINDS})
    for truth in TRUTHS.values():
        extraction = extract_by_profile(sheets / truth["file"], profile_of(truth["family"]))
        for kind, result in score(extraction, truth).items():
            totals[truth["family"]][kind].found += result.found
            totals[truth["family"]][kind].expected += result.expected
            totals[truth["family"]][kind].matched += result.matched
    return totals


if __name__ == "__main__":
    from tests.conftest import _shared_dir

    for family_id, kinds in sorted(figures(_shared_dir() / "realpdfs" / "sheets").items()):
        for kind, s in kinds.items():
            print(
                f"{family_id:24} {kind:10} precision {s.precision:.3f} recall {s.recall:.3f} "
                f"({s.matched} of {s.expected} typed, {s.found} read)"
            )
