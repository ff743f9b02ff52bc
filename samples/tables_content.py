"""What the sample editions' other tables say: census statistics, section-2 figures,
committee rosters, the policy list's その他の事業 part, the emergency-measure budget
table and the その他の事業 tables.

Written once, as data; `samples.tables_pages` draws it and writes the ground truth from
these same values. The census counts for H26/H28 are those of the real FY2020 edition
(総務省「経済センサス」); everything else is modelled on it. Person names are fictional.
The deliberate misprint (a census total that does not add up) is listed in
`content.PLANTED_DIFFERENCES`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --- census (section 2) ----------------------------------------------------------------------

CENSUS_CATEGORIES: tuple[str, ...] = (
    "農業，林業，漁業",
    "鉱業，採石業，砂利採取業",
    "建設業",
    "製造業",
    "電気・ガス・熱供給・水道業",
    "情報通信業",
    "運輸業，郵便業",
    "卸売業，小売業",
    "金融業，保険業",
    "不動産業，物品賃貸業",
    "学術研究，専門・技術サービス業",
    "宿泊業，飲食サービス業",
    "生活関連サービス業，娯楽業",
    "教育，学習支援業",
    "医療，福祉",
    "複合サービス事業",
    "サービス業(他に分類されないもの)",
)
CENSUS_TOTAL = "全産業"


@dataclass(frozen=True)
class CensusTable:
    """One census table: a count per category and survey year, with its printed caption."""

    measure: str  # the header over the counts: 事業所数 / 従業者数
    unit: str  # unit of the counts (not printed; 事業所 / 人)
    caption: str
    counts: dict[int, tuple[int, ...]]  # survey year -> count per category, in CENSUS_CATEGORIES order

    def total(self, year: int) -> int:
        return sum(self.counts[year])

    def share(self, year: int, index: int | None) -> float:
        """構成比 in %, one decimal, as printed; index None is the 全産業 row (100.0)."""
        if index is None:
            return 100.0
        return round(self.counts[year][index] * 100 / self.total(year), 1)


CENSUS_TABLES: tuple[CensusTable, ...] = (
    CensusTable(
        "事業所数",
        "事業所",
        "図表 本市の事業所数（民営）の推移（実数、産業別構成比）",
        {
            2014: (74, 1, 4078, 3299, 25, 713, 1347, 9114, 494, 4360, 1762, 6057, 3581, 1417, 3943, 149, 2202),
            2016: (64, 0, 3829, 3034, 23, 678, 1330, 8844, 469, 3853, 1716, 5827, 3476, 1407, 4178, 143, 2063),
            2021: (61, 0, 3712, 2861, 31, 702, 1296, 8402, 455, 3921, 1798, 5304, 3301, 1389, 4512, 138, 2011),
        },
    ),
    CensusTable(
        "従業者数",
        "人",
        "図表 本市の従業者数（民営）の推移（実数、産業別構成比）",
        {
            2014: (
                782,
                43,
                31488,
                83541,
                835,
                41078,
                36336,
                97891,
                8733,
                16697,
                29375,
                54426,
                20696,
                21112,
                67807,
                4328,
                39589,
            ),
            2016: (
                650,
                0,
                30420,
                68482,
                1626,
                38364,
                36745,
                100393,
                8893,
                15772,
                32983,
                53534,
                20298,
                21819,
                71516,
                3524,
                38793,
            ),
            2021: (
                612,
                0,
                29874,
                66950,
                1702,
                40118,
                37902,
                98765,
                8812,
                16044,
                34510,
                48203,
                19307,
                22418,
                76884,
                3390,
                39120,
            ),
        },
    ),
)

CENSUS_YEARS: dict[int, tuple[int, int]] = {2019: (2014, 2016), 2020: (2014, 2016), 2021: (2016, 2021)}
"""Edition -> the two survey years its census tables print (the latest two censuses)."""

CENSUS_MISPRINTS: dict[tuple[int, str, int], int] = {(2019, "事業所数", 2016): 40943}
"""(edition, table, survey year) -> the 全産業 total printed instead of the sum (planted)."""

# --- figures printed as text in section 2 ----------------------------------------------------


@dataclass(frozen=True)
class SectionTwoFigures:
    """The figures section 2 of an edition prints in its prose."""

    di_year: int  # year of the 中小企業動向調査 quarter (4-6月期)
    di_previous: str  # 前期業況DI, printed with △
    di: str  # 今期業況DI
    di_change: str  # points, as printed (a full-width point in one edition)
    bankruptcy_fy: int
    bankruptcies: int
    bankruptcy_change: int  # signed, vs the year before
    jobs_fy: int
    jobs_ratio: str  # 川崎全市
    jobs_change: str  # signed
    jobs_south: str  # 川崎（南部）
    jobs_prefecture: str  # 神奈川県
    jobs_north: str  # 川崎北（北部）


SECTION_TWO: dict[int, SectionTwoFigures] = {
    2019: SectionTwoFigures(2020, "-30.4", "-58.1", "27.7", 2019, 79, 6, 2019, "0.95", "-0.06", "1.52", "1.06", "0.61"),
    2020: SectionTwoFigures(
        2021, "-32.2", "-21.2", "11．0", 2020, 43, -36, 2020, "0.71", "-0.24", "1.17", "0.80", "0.45"
    ),
    2021: SectionTwoFigures(2022, "-24.9", "-18.6", "6.3", 2021, 38, -5, 2021, "0.78", "0.07", "1.25", "0.86", "0.50"),
}

# --- committee rosters (section 3) -----------------------------------------------------------

ACADEMIC = "学識者"
ORGANISATION = "関係団体役職員"


@dataclass(frozen=True)
class Member:
    role: str
    names: dict[int, str]  # edition -> name printed (editions where the seat is filled)


def _all(name: str) -> dict[int, str]:
    return {2019: name, 2020: name, 2021: name}


@dataclass(frozen=True)
class Committee:
    name: str
    as_of: dict[int, str]  # edition -> 現在 date printed in the caption
    groups: tuple[tuple[str, tuple[Member, ...]], ...]

    def members_in(self, edition: int) -> list[tuple[str, str, str]]:
        """(group, role, name) in printed order for an edition."""
        return [(grp, m.role, m.names[edition]) for grp, members in self.groups for m in members if edition in m.names]


COMMITTEES: tuple[Committee, ...] = (
    Committee(
        "川崎市産業振興協議会",
        {2019: "令和２年８月", 2020: "令和３年８月", 2021: "令和４年８月"},
        (
            (
                ACADEMIC,
                (
                    Member("専修大学商学部教授（会長）", _all("石川 真理")),
                    Member("明治大学経営学部教授", _all("岡野 誠一")),
                    Member("共立女子大学ビジネス学部教授", _all("中村 健")),
                ),
            ),
            (
                ORGANISATION,
                (
                    Member(
                        "(株)横浜銀行執行役員・川崎地域本部長", {2019: "北村 俊介", 2020: "西田 隆", 2021: "西田 隆"}
                    ),
                    Member("川崎商工会議所副会頭", _all("増田 雅也")),
                    Member("(一社)神奈川県情報サービス産業協会常務理事", _all("大橋 雄二")),
                    Member("川崎地区貨物自動車事業協同組合代表理事", _all("髙木 浩")),
                    Member("川崎地域連合事務局長", _all("舘  克也")),
                    Member("川崎信用金庫常務理事", {2019: "熊田 雅人", 2020: "熊田 雅人", 2021: "松本 和也"}),
                    Member("(一社)川崎市商店街連合会青年部相談役", _all("出井 光男")),
                    Member("川崎工業振興倶楽部会長", _all("柳田 徹")),
                    Member("川崎市工業団体連合会理事", _all("沼田 りえ")),
                    Member("セレサ川崎農業協同組合代表理事組合長", _all("原  修")),
                    Member("神奈川県中小企業家同友会政策委員長", _all("星野 妃佐子")),
                    Member("(一社)川崎市観光協会観光推進部長", _all("安田 太郎")),
                    Member("(一社)川崎建設業協会副会長", _all("佐藤 雅彦")),
                    Member("(一社)川崎市食品衛生協会副会長", {2021: "小池 善一"}),
                ),
            ),
        ),
    ),
    Committee(
        "中小企業活性化専門部会",
        {2019: "令和２年８月", 2020: "令和３年８月", 2021: "令和４年８月"},
        (
            (ACADEMIC, (Member("専修大学経済学部教授（部会長）", _all("遠藤 浩")),)),
            (
                ORGANISATION,
                (
                    Member("川崎商工会議所副会頭", _all("増田 雅也")),
                    Member("(一社)神奈川県情報サービス産業協会常務理事", _all("大橋 雄二")),
                    Member("(一社)川崎市食品衛生協会副会長", _all("小池 善一")),
                    Member("(一社)川崎市商店街連合会青年部相談役", _all("出井 光男")),
                    Member("神奈川県中小企業家同友会政策委員長", _all("星野 妃佐子")),
                    Member("川崎市青年工業経営研究会会長", {2019: "星 佳史", 2020: "星 佳史", 2021: "村上 拓也"}),
                    Member("(一社)川崎建設業協会副会長", _all("佐藤 雅彦")),
                ),
            ),
        ),
    ),
)

# --- emergency-measure budget table ----------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """A number inside 実績等: what it counts, the value, the unit."""

    metric: str
    value: float
    unit: str


@dataclass(frozen=True)
class Phase:
    """One phase of a budget row. Phases printed as their own sub-rows carry a `name`
    (第１弾/第２弾); phases printed inside one row's cells (（１回目）/（２回目）) do not."""

    label: str  # 第１弾, １回目 …, as printed
    budget: int | None
    results: tuple[str, ...]
    metrics: tuple[Metric, ...] = ()
    name: str | None = None
    summary: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class BudgetItem:
    """One numbered row (№) of the emergency-measure table.

    `summary` and `results` are paragraphs; a paragraph is wrapped to the column and a
    '\\n' inside one is a forced line break. `note` is printed under the budget
    (``（№13の一部の予算を含む）``): the budget is shared with the rows it names.
    """

    no: int
    name: str
    summary: tuple[str, ...]
    budget: int | None = None
    note: str | None = None
    results: tuple[str, ...] = ()
    metrics: tuple[Metric, ...] = ()
    phases: tuple[Phase, ...] = ()
    phases_as_rows: bool = False  # 第１弾/第２弾 as sub-rows (else phases inside the cells)


@dataclass(frozen=True)
class BudgetSection:
    title: str  # ①令和２年度に実施した項目
    items: tuple[BudgetItem, ...]
    page_break_before: int | None = None  # № that starts the second page, if inside this section


def _m(metric: str, value: float, unit: str) -> Metric:
    return Metric(metric, value, unit)


_LOANS = BudgetItem(
    1,
    "制度融資（保証料ゼロ・実質無利子）",
    (
        "実質無利子融資及び本市独自の融資メニューにより、資金繰り支援を実施",
        "（融資限度額を 3000 万円から 4000 万円に引き上げ、その後 6,000 万円に引き上げ）",
    ),
    25242358,
    None,
    ("・相談件数：19,302 件", "・新型コロナウイルス感染症対応資金\n融資実績:8,120 件\n141,653,132 千円"),
    (
        _m("相談件数", 19302, "件"),
        _m("新型コロナウイルス感染症対応資金融資実績", 8120, "件"),
        _m("新型コロナウイルス感染症対応資金融資実績", 141653132, "千円"),
    ),
)
_TELEWORK = BudgetItem(
    2,
    "テレワーク導入促進補助金",
    (
        "テレワーク環境の新規構築・拡張に要する経費への補助",
        "【対象】",
        "・設備導入費（WEB 会議用機器、ソフトウェア等）",
        "・コンサルティング費用（導入相談に係る経費等）",
        "【補助額】",
        "・設備導入費 補助率 1/2 上限 20万円",
    ),
    12500,
    None,
    ("・交付件数 66 件", "・交付額\n11,073 千円"),
    (_m("交付件数", 66, "件"), _m("交付額", 11073, "千円")),
)
_TAKEOUT = BudgetItem(
    3,
    "中小商業者テイクアウト等参入支援事業補助金",
    (
        "テイクアウトやデリバリー、インターネットを活用した新たなサービス提供など、売上を確保する新たな取組に要する経費への補助",
        "【補助額】補助率 3/4 上限 10万円",
    ),
    45655,
    "（№９の一部の予算を含む）",
    ("・交付件数 205 件", "・交付額\n16,728 千円"),
    (_m("交付件数", 205, "件"), _m("交付額", 16728, "千円")),
)
_SMALL_BUSINESS = BudgetItem(
    4,
    "小規模事業者臨時給付金",
    (
        "市内の小規模事業者の事業継続のための給付金を交付",
        "【対象】1か月あたりの事業収入の減少が前年比で 30％以上 50％未満の期間が 1か月以上認められるもの",
        "【給付額】10万円",
    ),
    126731,
    None,
    ("・交付件数 1,057 件", "・交付額 105,700 千円"),
    (_m("交付件数", 1057, "件"), _m("交付額", 105700, "千円")),
)
_CONTENTS = BudgetItem(
    5,
    "コンテンツグローバル化促進事業補助金",
    (
        "市内の中小事業者等による、海外展開に向けて行う自社コンテンツのグローバル化に要する経費への補助",
        "【補助額】補助率 2/3 上限 20万円",
    ),
    28190,
    "（№10、11 の予算を含む）",
    ("・交付件数 35 件", "・交付確定額\n6,466 千円"),
    (_m("交付件数", 35, "件"), _m("交付確定額", 6466, "千円")),
)
_FARMS = BudgetItem(
    6,
    "市内観光農園の PR 等",
    (
        "観光農園の PR 事業を実施",
        "①市内観光農園に加え、周辺観光農園施設等を案内したマップの作成",
        "②観光農園の PR 動画の作成",
    ),
    8000,
    None,
    ("・ガイドマップ\n10,000 部作成・配布", "・PR 動画作成・配信"),
    (_m("ガイドマップ", 10000, "部"),),
)
_CONSULTING = BudgetItem(
    7,
    "ワンストップ型臨時経営相談窓口",
    (
        "市内事業者向け「ワンストップ型臨時経営相談会場」、「電話・オンライン相談窓口」を設置し、中小企業診断士等の専門家による支援施策の案内、申請支援、経営相談を実施",
    ),
    38000,
    None,
    ("・相談件数 1,505 件",),
    (_m("相談件数", 1505, "件"),),
)
_VOUCHERS = BudgetItem(
    8,
    "川崎じもと応援券事業",
    (),
    phases_as_rows=True,
    phases=(
        Phase(
            "第１弾",
            3064225,
            ("【R2-3 にかけて実施】", "・発売冊数\n867,176 冊", "・利用金額\n11,231,394 千円"),
            (_m("発売冊数", 867176, "冊"), _m("利用金額", 11231394, "千円")),
            name="川崎じもと応援券事業（第１弾）",
            summary=(
                "飲食店や生活関連サービス等における消費を促し、域内循環を図ることで、早期の経済回復を目的として実施。",
                "【概要】1冊 10,000 円（1,000 円×13枚）",
                "【プレミアム率】30％",
            ),
        ),
        Phase(
            "第２弾",
            1521353,
            ("【R3 に実施】",),
            (),
            name="川崎じもと応援券事業（第２弾）",
            summary=("【概要】1冊 10,000 円（1,000 円×12枚）", "【プレミアム率】20％"),
        ),
    ),
)
_SHOPPING_STREETS = BudgetItem(
    9,
    "商店街等緊急支援事業補助金",
    (
        "売上が減少した商業者の応援や、安心して買い物できる環境づくりに取り組む市内商店街等を対象とした補助",
        "【補助額】補助率 3/4 上限 20万円",
    ),
    45655,
    "（№３の予算を含む）",
    ("・交付件数 51 件", "・交付額\n8,295 千円"),
    (_m("交付件数", 51, "件"), _m("交付額", 8295, "千円")),
)
_GLOBAL = BudgetItem(
    10,
    "グローバル展開支援事業補助金",
    (
        "川崎市内の中小事業者等の海外展開に係る取組に要する経費に対し、補助金を交付することにより、グローバル展開を促進",
        "【対象・補助限度額】",
        "・国際的な電子商取引（越境 EC）の取組（40 万円）",
    ),
    28190,
    "（№５の予算を含む）",
    ("【R2-3 にかけて実施】",),
)
_CROSS_BORDER = BudgetItem(
    11,
    "越境 EC 専門相談事業等",
    ("越境 EC の専門人材による個社支援を実施", "【相談回数上限】1社につき最大 5回まで"),
)
_WORKPLACE = BudgetItem(
    12,
    "職場環境改善支援補助金",
    (
        "飛沫感染や接触感染、近距離での会話への対策として行う設備等の導入に係る経費への補助",
        "【補助額】補助率 3/4 上限 30万円",
    ),
    phases=(
        Phase(
            "１回目",
            30000,
            ("・交付件数\n148 件", "・交付額\n26,291 千円"),
            (_m("交付件数", 148, "件"), _m("交付額", 26291, "千円")),
        ),
        Phase("２回目", 109609, ("【R3に実施】",)),
    ),
)

BUDGET_TABLES: dict[int, tuple[BudgetSection, ...]] = {
    2019: (
        BudgetSection(
            "①令和２年度に実施している項目",
            (
                _LOANS,
                BudgetItem(
                    2,
                    "テレワーク導入促進補助金",
                    _TELEWORK.summary,
                    12500,
                    None,
                    ("・交付件数 12 件", "・交付額\n2,140 千円"),
                    (_m("交付件数", 12, "件"), _m("交付額", 2140, "千円")),
                ),
                BudgetItem(
                    3,
                    "中小商業者テイクアウト等参入支援事業補助金",
                    _TAKEOUT.summary,
                    45655,
                    "（№６の一部の予算を含む）",
                    ("・受付件数 88 件",),
                    (_m("受付件数", 88, "件"),),
                ),
                _SMALL_BUSINESS,
                BudgetItem(
                    5,
                    "ワンストップ型臨時経営相談窓口",
                    _CONSULTING.summary,
                    38000,
                    None,
                    ("・相談件数 612 件",),
                    (_m("相談件数", 612, "件"),),
                ),
                BudgetItem(
                    6,
                    "商店街等緊急支援事業補助金",
                    _SHOPPING_STREETS.summary,
                    45655,
                    "（№３の予算を含む）",
                    ("【R2 に実施】",),
                ),
                BudgetItem(
                    7,
                    "職場環境改善支援補助金",
                    _WORKPLACE.summary,
                    phases=(
                        Phase("１回目", 30000, ("・受付件数\n42 件",), (_m("受付件数", 42, "件"),)),
                        Phase("２回目", 60000, ("【R2 下半期に実施】",)),
                    ),
                ),
            ),
            page_break_before=5,
        ),
    ),
    2020: (
        BudgetSection(
            "①令和２年度に実施した項目",
            (_LOANS, _TELEWORK, _TAKEOUT, _SMALL_BUSINESS, _CONTENTS, _FARMS, _CONSULTING),
            page_break_before=6,
        ),
        BudgetSection(
            "②令和２年度・令和３年度に実施した項目", (_VOUCHERS, _SHOPPING_STREETS, _GLOBAL, _CROSS_BORDER, _WORKPLACE)
        ),
    ),
    2021: (
        BudgetSection(
            "①令和３年度に実施した項目",
            (
                BudgetItem(
                    1,
                    "制度融資（保証料ゼロ・実質無利子）",
                    _LOANS.summary[:1],
                    18410522,
                    None,
                    ("・相談件数：6,214 件", "・融資実績:2,307 件"),
                    (_m("相談件数", 6214, "件"), _m("融資実績", 2307, "件")),
                ),
                BudgetItem(
                    2,
                    "川崎じもと応援券事業",
                    (),
                    phases_as_rows=True,
                    phases=(
                        Phase(
                            "第２弾",
                            1521353,
                            ("・発売冊数\n498,220 冊",),
                            (_m("発売冊数", 498220, "冊"),),
                            name="川崎じもと応援券事業（第２弾）",
                            summary=("【概要】1冊 10,000 円（1,000 円×12枚）",),
                        ),
                        Phase(
                            "第３弾",
                            2010000,
                            ("【R4 に実施】",),
                            name="川崎じもと応援券事業（第３弾）",
                            summary=("【概要】1冊 10,000 円（1,000 円×12枚）", "【発行冊数】60万冊"),
                        ),
                    ),
                ),
                BudgetItem(
                    3,
                    "グローバル展開支援事業補助金",
                    _GLOBAL.summary,
                    28190,
                    "（№４の予算を含む）",
                    ("・交付件数 41 件", "・交付額\n7,980 千円"),
                    (_m("交付件数", 41, "件"), _m("交付額", 7980, "千円")),
                ),
                BudgetItem(
                    4,
                    "越境 EC 専門相談事業等",
                    _CROSS_BORDER.summary,
                    28190,
                    "（№３の予算を含む）",
                    ("・相談回数 96 回",),
                    (_m("相談回数", 96, "回"),),
                ),
                BudgetItem(
                    5,
                    "職場環境改善支援補助金",
                    _WORKPLACE.summary,
                    phases=(
                        Phase(
                            "２回目",
                            109609,
                            ("・交付件数\n402 件", "・交付額\n98,115 千円"),
                            (_m("交付件数", 402, "件"), _m("交付額", 98115, "千円")),
                        ),
                        Phase("３回目", 50000, ("【R4 に実施】",)),
                    ),
                ),
                BudgetItem(
                    6,
                    "市内宿泊施設テレワーク利用促進事業",
                    (
                        "新しい生活様式のひとつであるテレワークの促進及び市内宿泊施設の利用促進を目的に、市内宿泊施設でテレワークを行う者に対して本市独自の補助を実施する。",
                    ),
                    41711,
                    None,
                    ("・利用泊数 3,412 泊",),
                    (_m("利用泊数", 3412, "泊"),),
                ),
                BudgetItem(
                    7,
                    "かわさき短期求人紹介支援",
                    (
                        "離職者の早期就労につなげるため、短期求人を紹介する「かわさき短期求人ナビ」を開設し、求人開拓のほか、求職者の相談等の支援を行う。",
                    ),
                    39000,
                    None,
                    ("・求人開拓件数 1,126 件", "・就職者数 318 人"),
                    (_m("求人開拓件数", 1126, "件"), _m("就職者数", 318, "人")),
                ),
            ),
            page_break_before=5,
        ),
    ),
}

BUDGET_FOOTNOTES: dict[int, tuple[str, ...]] = {
    2019: ("＊予算規模は、令和２年７月末現在の予算額。",),
    2020: (
        "＊予算規模は、令和２年度末の最終予算額。",
        "令和２年度から令和３年度にかけて実施する事業は、両年度をあわせた規模としています。",
    ),
    2021: ("＊予算規模は、令和３年度末の最終予算額。",),
}

# --- その他の事業 ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OtherMeasure:
    """A measure outside the verified set: its next-year plan and this year's results,
    as paragraphs (`{y}`/`{n}` are filled with the edition's era year and numbers)."""

    article: int
    name: str
    plan: tuple[str, ...]
    results: tuple[str, ...]
    numbers: dict[int, tuple] = field(default_factory=dict)  # edition -> values for {0}, {1} …
    new_page: bool = False  # starts a new page (the article heading is not repeated)


OTHER_MEASURES: tuple[OtherMeasure, ...] = (
    OtherMeasure(
        12,
        "医工連携等推進事業",
        (
            "・大学や医療機関、医療機器製造販売企業、ものづくり企業等を対象とした専門家によるアドバイス、技術提案会などの開催により、ものづくり企業等の医療分野への参入に向けた取組を支援します。",
        ),
        (
            "・「医工連携フォーラムｉｎかわさき」を開催しました。",
            "（専門家による個別アドバイス、技術提案会開催（{0}回））",
        ),
        {2019: (3,), 2020: (2,), 2021: (4,)},
    ),
    OtherMeasure(
        12,
        "ソーシャルビジネス振興事業",
        (
            "・セミナーの開催、相談対応、情報発信を通じ、コミュニティビジネス、ソーシャルビジネスの起業や経営支援を行います。",
            "※予算は起業化総合支援事業と一体的に執行",
        ),
        (
            "・セミナーの開催、相談対応、情報発信を通じ、コミュニティビジネス、ソーシャルビジネスの起業や経営支援を行いました。",
            "（起業・創業セミナーの実施：{0} 回）",
        ),
        {2019: (10,), 2020: (8,), 2021: (9,)},
    ),
    OtherMeasure(
        12,
        "かわさき基準推進事業",
        (
            "・自立支援を基本理念とした本市独自の福祉製品の評価基準である"
            "「かわさき基準（KIS：Kawasaki Innovation Standard）」に基づく福祉製品の認証を行います。",
        ),
        ("・「かわさき基準（KIS）」による認証を行いました。", "（{0} 件の申請、{1}件の認証）"),
        {2019: (27, 18), 2020: (30, 20), 2021: (25, 19)},
        new_page=True,
    ),
    OtherMeasure(
        13,
        "クリエイティブ産業活用促進事業",
        (
            "・デザイン活用に関するセミナーの開催や事業者が抱える個別具体的な課題に対する相談支援等を行うことにより、企業の情報発信力強化や製品・サービスの高付加価値化へと繋げます。",
        ),
        ("・デザイン活用に関するセミナーの開催や、専門家による相談対応を行いました。", "（セミナーの実施：{0} 回）"),
        {2019: (5,), 2020: (4,), 2021: (6,)},
    ),
    OtherMeasure(
        14,
        "産業立地地区活性化推進事業",
        (
            "・マイコンシティ地区、水江町地区、新川崎Ａ地区に立地している企業に対して、土地を貸し付け、操業環境を確保するとともに、立地企業からの相談や要望への対応、成長支援を行います。",
        ),
        ("・マイコンシティ地区の{0}社に土地を貸し付け、操業環境を確保しました。", "（工場立地法届出件数 {1}件）"),
        {2019: (14, 12), 2020: (14, 15), 2021: (13, 11)},
    ),
    OtherMeasure(
        15,
        "建設業振興事業",
        (
            "・市内中小建築業の振興を図るため、市民向けフォーラムや住宅相談会を開催するほか、中小建設業事業者の経営基盤の強化に向けた研修会を開催します。",
        ),
        ("・市民向けフォーラムや住宅相談会を {0} 回開催したほか、研修会を {1} 回開催しました。",),
        {2019: (8, 4), 2020: (6, 3), 2021: (7, 3)},
        new_page=True,
    ),
    OtherMeasure(
        15,
        "中小企業融資制度事業",
        ("・中小企業の資金繰りを支援するため、信用保証協会や金融機関と連携し、低利の融資制度を運用します。",),
        ("・融資制度を運用し、資金繰りを支援しました。", "（融資実績 {0} 件）"),
        {2019: ("2,915",), 2020: ("10,482",), 2021: ("3,377",)},
    ),
    OtherMeasure(
        16,
        "農業体験提供事業",
        ("・市民が農業に親しむ機会として、農業体験や収穫体験の場を提供します。",),
        ("・農業体験講座を開催しました。", "（参加者 {0} 名）"),
        {2019: (412,), 2020: (126,), 2021: (238,)},
    ),
    OtherMeasure(
        17,
        "技能奨励事業",
        ("・優れた技能者の表彰や技能職の魅力発信を通じて、技能の継承と振興を図ります。",),
        ("・「かわさきマイスター」を認定しました。", "（認定 {0} 名）"),
        {2019: (5,), 2020: (4,), 2021: (5,)},
    ),
    OtherMeasure(
        18,
        "対内投資促進事業",
        ("・外国企業や外資系企業の市内への進出を促進するため、情報発信や相談対応を行います。",),
        ("・外国企業の進出に関する相談に対応しました。", "（相談件数 {0} 件）"),
        {2019: (31,), 2020: (22,), 2021: (27,)},
    ),
)
