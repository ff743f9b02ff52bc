"""PDCA tables in the warehouse: items, shared blocks, opinion/response pairs, audit rules.

The sample editions are ingested with the plain ingest function into a real DuckDB file;
hand-made extractions test the loader's edge cases.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import duckdb
import pytest

from nenpo.extractors.families.kawasaki_sme.models import ArticleOpinion, KawasakiExtraction
from nenpo.extractors.models import Measure, PdcaItem, ReportExtraction
from nenpo.pipeline.ingest import ingest
from nenpo.warehouse.audit import load_rules, run_rules
from nenpo.warehouse.db import connect
from nenpo.warehouse.load import delete_edition, load_extraction
from tests.conftest import SAMPLE_EDITIONS


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("pdca") / "nenpo.duckdb"
    summary = ingest([SAMPLE_EDITIONS], db)
    assert summary.ok and len(summary.loaded) == 3
    return db, summary


def rows(db, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def test_a_shared_block_is_stored_once_and_linked_to_each_sub_measure(samples_db):
    db, _ = samples_db
    printed = rows(
        db,
        "SELECT count(*), bool_and(shared) FROM pdca_items WHERE report_fiscal_year = 2020 "
        "AND measure = '商業力強化事業' AND phase IN ('check', 'covid_check', 'action')",
    )
    assert printed == [(8, True)]
    links = rows(
        db,
        """
        SELECT l.measure, count(*) FROM pdca_item_measures AS l JOIN pdca_items AS p USING (pdca_item_id)
        WHERE p.report_fiscal_year = 2020 AND p.measure = '商業力強化事業' AND p.phase = 'check'
        GROUP BY l.measure ORDER BY l.measure""",
    )
    assert links == [("商店街課題対応事業", 3), ("商業力強化事業", 3)]
    ids = rows(
        db,
        """
        SELECT DISTINCT l.measure_id = m.measure_id FROM pdca_item_measures AS l
        JOIN measures AS m ON m.report_id = l.report_id AND m.name = l.measure""",
    )
    assert ids == [(True,)]


def test_opinion_responses_pairs_by_number(samples_db):
    db, _ = samples_db
    pairs = rows(
        db,
        """
        SELECT measure, seq, opinion_label, response_label, opinion IS NOT NULL, response IS NOT NULL, printed_on
        FROM opinion_responses WHERE report_fiscal_year = 2020 ORDER BY measure, seq""",
    )
    by_measure: dict[str, list[tuple]] = {}
    for measure, *rest in pairs:
        by_measure.setdefault(measure, []).append(tuple(rest))
    assert by_measure["雇用労働対策・就業支援事業"] == [
        (1, "①", "①", True, True, "雇用労働対策・就業支援事業"),
        (2, "②", "②", True, True, "雇用労働対策・就業支援事業"),
        (3, "③", "③", True, True, "雇用労働対策・就業支援事業"),
        (4, "④", None, True, False, "雇用労働対策・就業支援事業"),
        (5, "⑤", "⑤～⑥", True, True, "雇用労働対策・就業支援事業"),
        (6, "⑥", "⑤～⑥", True, True, "雇用労働対策・就業支援事業"),
    ]
    assert [(s, o, r, ho, hr) for s, o, r, ho, hr, _ in by_measure["知的財産戦略の推進"]][-1] == (
        4,
        None,
        "④",
        False,
        True,
    )
    assert [r for _, _, r, *_ in by_measure["ウェルフェアイノベーション推進事業"]] == ["①・②", "①・②", "③"]
    # both sub-measures of 商業振興関連事業 get the pairs of the block printed on the second sheet
    for measure in ("商店街課題対応事業", "商業力強化事業"):
        assert [(s, o, r, p) for s, o, r, _, _, p in by_measure[measure]] == [
            (1, "①", "①", "商業力強化事業"),
            (2, "②", "②", "商業力強化事業"),
            (3, "③", "③", "商業力強化事業"),
            (4, "④", "④", "商業力強化事業"),
        ]
    assert len(by_measure) == 10


def test_covid_opinions_continue_the_numbering(samples_db):
    db, _ = samples_db
    phases = rows(
        db,
        """
        SELECT seq, opinion_phase FROM opinion_responses
        WHERE report_fiscal_year = 2021 AND measure = '起業化総合支援事業' ORDER BY seq""",
    )
    assert phases == [(1, "check"), (2, "check"), (3, "check"), (4, "covid_check")]


def test_article_opinions_are_loaded(samples_db):
    db, _ = samples_db
    assert rows(
        db, "SELECT report_fiscal_year, count(*), count(DISTINCT article) FROM article_opinions GROUP BY ALL ORDER BY 1"
    ) == [(2019, 14, 7), (2020, 14, 7), (2021, 14, 7)]
    assert rows(
        db,
        "SELECT policy, kind_raw FROM article_opinions WHERE report_fiscal_year = 2020 AND article = 15 "
        "ORDER BY ordinal",
    ) == [
        ("経営基盤の強化及び小規模企業者の事情の考慮", "施策全体への意見"),
        ("経営基盤の強化及び小規模企業者の事情の考慮", "コロナ対応への意見"),
    ]


def test_audit_finds_exactly_the_planted_gaps(samples_db):
    _, summary = samples_db
    found = sorted(
        (f.check, f.severity, f.report_fiscal_year, f.measure, f.evidence["seq"])
        for f in summary.findings
        if f.check in ("opinion_without_response", "response_without_opinion")
    )
    assert found == sorted(
        [("opinion_without_response", "warning", fy, "雇用労働対策・就業支援事業", 4) for fy in (2019, 2020, 2021)]
        + [("response_without_opinion", "warning", fy, "知的財産戦略の推進", 4) for fy in (2019, 2020, 2021)]
    )
    first = next(f for f in summary.findings if f.check == "opinion_without_response")
    assert first.page is not None and "④" in first.detail and first.report_id


def test_rules_are_registered_with_their_descriptions():
    rules = load_rules()
    for name in ("opinion_without_response", "response_without_opinion"):
        assert rules[name].severity == "warning" and rules[name].description


# --- hand-made editions --------------------------------------------------------------------


def _item(measure, phase, no, label, seq, text, covers=None, page=2) -> PdcaItem:
    return PdcaItem(
        measure=measure,
        parent="親事業" if covers else None,
        phase=phase,
        item_no=no,
        seq=seq,
        label=label,
        text=text,
        text_raw=text,
        page=page,
        bbox=(30.0, 60.0 + 12 * no, 400.0, 69.0 + 12 * no),
        covers=covers or (measure,),
    )


def _edition(items: list[PdcaItem], seed: str = "x") -> ReportExtraction:
    return KawasakiExtraction(
        family="kawasaki-sme",
        series="kawasaki-sme",
        report_fiscal_year=2020,
        title="令和２年度 中小企業活性化施策実施状況報告書",
        source_path="/data/x.pdf",
        sha256=hashlib.sha256(seed.encode()).hexdigest(),
        page_count=3,
        extracted_at=datetime(2024, 5, 1, tzinfo=UTC),
        measures=(
            Measure(name="甲事業", name_raw="甲事業", parent="親事業", position=1, page_start=1, page_end=1),
            Measure(name="乙事業", name_raw="乙事業", parent="親事業", position=2, page_start=2, page_end=3),
        ),
        pdca_items=tuple(items),
        article_opinions=(
            ArticleOpinion(
                article=12,
                policy="創業・経営の革新等の促進",
                policy_raw="創業・経営の革新等の促進",
                kind="covid",
                kind_raw="コロナ対応への意見",
                text="意見",
                text_raw="意見",
                page=1,
            ),
        ),
    )


SHARED = ("甲事業", "乙事業")


def test_pairs_of_a_hand_made_shared_block_and_both_audit_directions(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    load_extraction(
        con,
        _edition(
            [
                _item("甲事業", "plan", 1, "", (), "計画", page=1),
                _item("乙事業", "check", 1, "①", (1,), "意見一", SHARED),
                _item("乙事業", "check", 2, "②", (2,), "意見二", SHARED),
                _item("乙事業", "action", 1, "②~③", (2, 3), "対応二三", SHARED),
            ]
        ),
    )
    assert con.execute(
        "SELECT measure, seq, opinion, response FROM opinion_responses ORDER BY measure, seq"
    ).fetchall() == [
        ("乙事業", 1, "意見一", None),
        ("乙事業", 2, "意見二", "対応二三"),
        ("乙事業", 3, None, "対応二三"),
        ("甲事業", 1, "意見一", None),
        ("甲事業", 2, "意見二", "対応二三"),
        ("甲事業", 3, None, "対応二三"),
    ]
    findings = sorted(
        (f.check, f.measure, f.evidence["seq"])
        for f in run_rules(con, ["opinion_without_response", "response_without_opinion"])
    )
    assert findings == [
        ("opinion_without_response", "乙事業", 1),
        ("opinion_without_response", "甲事業", 1),
        ("response_without_opinion", "乙事業", 3),
        ("response_without_opinion", "甲事業", 3),
    ]
    shared_note = next(f for f in load_rules()["opinion_without_response"].check(con) if f.measure == "甲事業").detail
    assert "shared with 乙事業" in shared_note
    con.close()


def test_reloading_and_deleting_an_edition_replace_its_pdca_rows(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    load_extraction(con, _edition([_item("甲事業", "check", 1, "①", (1,), "意見")]))
    result = load_extraction(con, _edition([_item("甲事業", "action", 1, "①", (1,), "対応")], seed="rescan"))
    assert result.rows["pdca_items"] == 1 and result.rows["pdca_item_measures"] == 1
    assert result.rows["article_opinions"] == 1
    assert con.execute("SELECT phase, text FROM pdca_items").fetchall() == [("action", "対応")]
    delete_edition(con, "kawasaki-sme", 2020)
    for table in ("pdca_items", "pdca_item_measures", "article_opinions"):
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    con.close()


def test_phase_is_checked_by_the_schema(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    load_extraction(con, _edition([_item("甲事業", "check", 1, "①", (1,), "意見")]))
    with pytest.raises(duckdb.ConstraintException):
        con.execute("UPDATE pdca_items SET phase = 'review'")
    con.close()
