"""What the sample editions say: measures, indicators, values and PDCA text.

The sample editions model Kawasaki City's yearly 中小企業活性化施策実施状況報告書. Each
edition N reports fiscal years N-1 and N, so consecutive editions share one fiscal year.
Values are written here once, as numbers; the layout module decides how each edition
prints them (full-width digits, `目 標` or `目標`, △ for minus …) and the ground truth
is written from these same numbers, never by reading the PDF back.

Deliberate differences between editions (the multi-year checks must find exactly these):

- ``restated_actual``: 起業化総合支援事業 / 創業実績件数, FY2019 actual is 160 in the
  FY2019 edition and 162 in the FY2020 edition.
- ``restated_actual``: 雇用労働対策・就業支援事業 / 就職決定者数, FY2020 actual is 1,204 in the
  FY2020 edition and 1,240 in the FY2021 edition.
- ``changed_target``: 海外販路開拓事業 / 海外商談件数, FY2020 target is 120 in the FY2020
  edition and 100 in the FY2021 edition.
- ``renamed_measure``: ものづくり中小企業経営支援事業 becomes ものづくり中小企業経営革新等支援事業
  in the FY2021 edition (same article, same indicators).
- ``dropped_indicator``: 生産性向上推進事業 / セミナー参加者満足度 is not printed by the FY2021
  edition.
- ``unit_mismatch``: 観光振興事業 / 観光客入込数, the FY2020 edition prints its actual row as
  `実績（万人）` over values in persons while the target row says `人`.
- ``census_total_mismatch``: the FY2019 edition's census table 事業所数 prints the 全産業
  total for H28(2016) as 40,943 while its categories sum to 40,934 (`tables_content.CENSUS_MISPRINTS`).

A shortfall that the supplement (補足事項) does not explain, for the info-level check:

- ウェルフェアイノベーション推進事業 / フォーラム全体会の開催回数: FY2019 actual 0 against a
  target of 1, and the FY2019 supplement says nothing about it.

PDCA sheets that the opinion/response checks must flag, in every edition:

- 雇用労働対策・就業支援事業: opinion ④ has no response (the responses are ①②③ and ⑤～⑥).
- 知的財産戦略の推進: response ④ answers no opinion (the opinions are ①② and COVID ③).

Other PDCA traps: 商業振興関連事業 ①② share one Check/Action block printed on the ② sheet;
ウェルフェアイノベーション推進事業 answers ①・② with one response; 商業⼒強化事業 prints its
responses in the order ②①③④; a response labelled with a range (⑤～⑥).
"""

from __future__ import annotations

from dataclasses import dataclass, field

SERIES = "kawasaki-sme"
EDITIONS = (2019, 2020, 2021)

ARTICLES: dict[int, str] = {
    12: "創業・経営の革新等の促進",
    13: "連携の促進",
    14: "研究及び開発の支援",
    15: "経営基盤の強化及び小規模企業者の事情の考慮",
    16: "地域の活性化の促進",
    17: "人材の確保及び育成",
    18: "海外市場の開拓等の促進",
}


@dataclass(frozen=True)
class Value:
    """One printed KPI cell. `number` is the canonical half-width text of the value."""

    number: str | None = None
    status: str = "reported"
    annotation: str | None = None
    sub_value: str | None = None

    @property
    def value(self) -> float | None:
        return None if self.number is None else float(self.number)


CANCELLED = Value(None, status="cancelled")


def v(number: str | int, **kw) -> Value:
    return Value(str(number), **kw)


@dataclass(frozen=True)
class Indicator:
    """A KPI of a measure, with its values by fiscal year.

    `target` / `actual` map a fiscal year to the value every edition prints for it;
    `restated` maps (edition, kind, fiscal year) to a value that edition prints instead.
    """

    label: str
    unit: str
    target: dict[int, Value]
    actual: dict[int, Value]
    actual_only: bool = False
    editions: tuple[int, ...] = EDITIONS
    restated: dict[tuple[int, str, int], Value] = field(default_factory=dict)
    unit_by_edition: dict[tuple[int, str], str] = field(default_factory=dict)

    def cell(self, edition: int, kind: str, fiscal_year: int) -> Value | None:
        if (edition, kind, fiscal_year) in self.restated:
            return self.restated[(edition, kind, fiscal_year)]
        table = self.target if kind == "target" else self.actual
        return table.get(fiscal_year)

    def unit_for(self, edition: int, kind: str) -> str:
        return self.unit_by_edition.get((edition, kind), self.unit)


@dataclass(frozen=True)
class Measure:
    """A measure sheet (事務事業) with its PDCA text.

    `names` maps an edition to the name printed there when it differs from `name`.
    Sub-measures carry their `parent` and ①② `position`; a group shares one
    Check/Action block printed on its last sheet (`shares_review_with_next`).

    Check opinions, COVID opinions and Action responses are (label, text) pairs with the
    label as printed: the COVID opinions continue the numbering of the Check opinions, as
    in the real edition, and a response may answer several opinions (``①・②``, ``⑤～⑥``).
    """

    key: str
    article: int
    name: str
    indicators: tuple[Indicator, ...]
    plan: tuple[str, ...]
    efforts: tuple[str, ...]
    do: tuple[str | tuple[str, str], ...]
    supplement: tuple[str, ...]
    covid_do: tuple[str, ...]
    check: tuple[tuple[str, str], ...]
    covid_check: tuple[tuple[str, str], ...]
    action: tuple[tuple[str, str], ...]
    next_plan: tuple[str, ...]
    parent: str | None = None
    position: int | None = None
    names: dict[int, str] = field(default_factory=dict)
    shares_review_with_next: bool = False

    def name_in(self, edition: int) -> str:
        return self.names.get(edition, self.name)


def _series(values: dict[int, str | int | Value]) -> dict[int, Value]:
    return {fy: (x if isinstance(x, Value) else v(x)) for fy, x in values.items()}


MEASURES: tuple[Measure, ...] = (
    Measure(
        key="startup",
        article=12,
        name="起業化総合支援事業",
        indicators=(
            Indicator(
                "川崎市創業支援事業計画全体での創業実績件数",
                "件",
                target=_series({2018: 85, 2019: 90, 2020: 95, 2021: 100}),
                actual=_series({2018: 142, 2019: 162, 2020: 201, 2021: 214}),
                restated={(2019, "actual", 2019): v(160)},
            ),
            Indicator(
                "かわさき起業家オーディション等の開催回数",
                "回",
                target=_series({2018: 6, 2019: 8, 2020: 8, 2021: 8}),
                actual=_series({2018: 6, 2019: 4, 2020: 7, 2021: 8}),
            ),
            Indicator(
                "研究開発型のベンチャー企業等への個別・集中支援の実施件数",
                "件",
                target=_series({2018: 5, 2019: 5, 2020: 5, 2021: 10}),
                actual=_series({2018: 6, 2019: 10, 2020: 10, 2021: 12}),
            ),
        ),
        plan=(
            "各種セミナー・研修会等の実施を通じて創業を目指す個人を発掘し、ビジネスプランの作成を支援するとともに、発表の場として「かわさき起業家オーディション」を定期的に開催します。",
            "「川崎市創業支援事業計画」に基づく⺠間創業支援事業者等との連携を推進し、起業準備段階から発展段階までの支援を⾏います。",
        ),
        efforts=(
            "起業家支援拠点の運営",
            "かわさき起業家オーディション、かわさき起業家塾、創業フォーラムの開催",
            "研究開発型ベンチャー企業への集中的支援の実施",
        ),
        do=(
            "創業フォーラム及びかわさき起業家塾を開催し、創業を目指す個人を発掘した。",
            "研究開発型の分野で事業化を⾏う起業家やベンチャー企業に対して、専門家が伴⾛型で支援した。",
        ),
        supplement=(
            "かわさき起業家オーディションについては、アフターフォロー強化の観点から、年間４回開催に変更している。",
        ),
        covid_do=("対⾯での事業実施からオンラインでの事業実施に切り替えて対応を⾏った。",),
        check=(
            (
                "①",
                "研究開発型の起業家に対する支援は強いが、ソーシャルビジネスの起業家に対する支援を進めることも良いのではないか。ソーシャルビジネスのアントレプレナーの期待としてはクラウドファンディング等があり、支援メニューに⼯夫が必要と思われる。",
            ),
            ("②", "協賛企業を増やすと共に、融資やビジネスサポートなどのメリットがより充実できると良いのではないか。"),
            ("③", "市内の事業者団体等とつながる機会があるとよいのではないか。"),
        ),
        covid_check=(
            (
                "④",
                "オンラインの活用やハイブリッドによるイベント開催等、引続き⼯夫しながら事業を実施することが必要である。",
            ),
        ),
        action=(
            ("①", "ソーシャルビジネス分野での起業を目指す方のための連続セミナーや相談会等を実施していく。"),
            ("②", "協賛企業を増やす取組を実施し、新たな協賛企業の獲得に向けた取組を⾏っていく。"),
            ("③", "外部機関との連携方法について検討していく。"),
            (
                "④",
                "オンラインで実施可能なイベント、相談会等については原則オンライン化し、リアルな交流が必要なものについてはオンラインとリアルのハイブリッド開催にするなど、企画に応じた使い分けを⾏っていく。",
            ),
        ),
        next_plan=(
            "起業家支援拠点における起業家支援",
            "かわさき起業家塾等の開催",
            "かわさき起業家オーディションの開催とアフターフォローの実施",
        ),
    ),
    Measure(
        key="welfare",
        article=12,
        name="ウェルフェアイノベーション推進事業",
        indicators=(
            Indicator(
                "かわさき基準（ＫＩＳ）認証製品数（累計）",
                "件",
                target=_series({2018: 25, 2019: 26, 2020: 27, 2021: 30}),
                actual=_series({2018: 25, 2019: 26, 2020: 28, 2021: 31}),
            ),
            Indicator(
                "ウェルフェアイノベーションフォーラム全体会の開催回数",
                "回",
                target=_series({2018: 1, 2019: 1, 2020: 1, 2021: 1}),
                actual=_series({2018: 1, 2019: 0, 2020: 1, 2021: 1}),
            ),
        ),
        plan=(
            "産業と福祉の融合で新たな活⼒と社会的価値の創造を基本目標とする「ウェルフェアイノベーション」を推進します。",
        ),
        efforts=("福祉製品の開発支援", "かわさき基準（ＫＩＳ）による福祉製品の認証"),
        do=("福祉製品の認証を⾏い、製品の普及を支援した。",),
        supplement=("フォーラム全体会はオンラインで開催した。",),
        covid_do=("感染症対策を徹底した上で、製品の実証を実施した。",),
        check=(
            ("①", "認証製品の販路開拓への支援を強化すべきである。"),
            ("②", "介護現場のニーズを製品開発に反映する仕組みが必要である。"),
        ),
        covid_check=(("③", "非接触型の製品開発を支援することが望ましい。"),),
        action=(
            ("①・②", "介護施設等と連携し、現場のニーズを踏まえた製品開発と販路開拓を一体的に支援していく。"),
            ("③", "オンラインを活用した製品の実証と、非接触型の製品開発を支援していく。"),
        ),
        next_plan=("ウェルフェアイノベーションフォーラムの開催", "福祉製品の認証と普及"),
    ),
    Measure(
        key="ip",
        article=13,
        name="知的財産戦略の推進",
        indicators=(
            Indicator(
                "知的財産交流会の参加者数",
                "人",
                target=_series({2018: 120, 2019: 120, 2020: 120, 2021: 120}),
                actual=_series({2018: 301, 2019: 329, 2020: 43, 2021: 96}),
            ),
            Indicator(
                "【参考 知的財産マッチング成立件数】",
                "件",
                target={},
                actual=_series({2018: 4, 2019: 3, 2020: 2, 2021: 5}),
                actual_only=True,
            ),
        ),
        plan=("大企業等が保有する開放特許等を中小企業に紹介し、製品開発を支援する「川崎モデル」を推進します。",),
        efforts=("知的財産交流会の開催", "知的財産マッチングの支援"),
        do=("知的財産交流会を開催し、大企業と中小企業のマッチングを支援した。",),
        supplement=("交流会の規模を縮小して開催したため、参加者数が目標を下回った。",),
        covid_do=("交流会の一部をオンラインで開催した。",),
        check=(
            ("①", "マッチングの成果を広く発信すべきである。"),
            ("②", "金融機関との連携を深めることが望ましい。"),
        ),
        covid_check=(("③", "オンラインでの交流の機会を増やすべきである。"),),
        action=(
            ("①", "成功事例を事例集にまとめ、広く発信していく。"),
            ("②", "金融機関との連携による支援を拡充していく。"),
            ("③", "オンラインによるマッチング会を定期的に開催していく。"),
            ("④", "交流会に参加した企業へのアンケート結果を公表していく。"),
        ),
        next_plan=("知的財産交流会の開催",),
    ),
    Measure(
        key="monozukuri",
        article=14,
        name="ものづくり中小企業経営支援事業",
        names={2021: "ものづくり中小企業経営革新等支援事業"},
        indicators=(
            Indicator(
                "経営革新計画の承認件数",
                "件",
                target=_series({2018: 100, 2019: 100, 2020: 100, 2021: 100}),
                actual=_series(
                    {
                        2018: 88,
                        2019: 91,
                        2020: v(59, annotation="新規38件・変更21件"),
                        2021: v(64, annotation="新規40件・変更24件"),
                    }
                ),
            ),
            Indicator(
                "展示会への出展支援件数",
                "件",
                target=_series({2018: 17, 2019: 17, 2020: 17, 2021: 17}),
                actual=_series({2018: 20, 2019: 29, 2020: 14, 2021: 18}),
            ),
        ),
        plan=("ものづくり中小企業の経営革新や新分野進出を支援し、競争⼒の強化を図ります。",),
        efforts=("経営革新計画の策定支援", "展示会への出展支援"),
        do=("経営革新計画の策定を支援し、承認につなげた。",),
        supplement=("展示会が中止となったため、出展支援件数が目標を下回った。",),
        covid_do=("オンライン展示会への出展を支援した。",),
        check=(
            ("①", "承認後の計画の実⾏を支援する仕組みが必要である。"),
            ("②", "オンライン展示会の効果を検証すべきである。"),
            ("③", "若手後継者の育成を支援することが望ましい。"),
        ),
        covid_check=(("④", "感染症の影響を受けた企業への資金繰り支援と一体で進めるべきである。"),),
        action=(
            ("①", "承認企業へのフォローアップ訪問を実施していく。"),
            ("②・③", "出展企業へのアンケートにより効果を検証するとともに、後継者育成講座を開催していく。"),
            ("④", "融資制度の案内と経営革新計画の策定支援を一体的に実施していく。"),
        ),
        next_plan=("経営革新計画の策定支援", "展示会への出展支援"),
    ),
    Measure(
        key="productivity",
        article=15,
        name="生産性向上推進事業",
        indicators=(
            Indicator(
                "生産性向上に係る支援件数",
                "件",
                target=_series({2018: 40, 2019: 45, 2020: 45, 2021: 50}),
                actual=_series({2018: 41, 2019: 44, 2020: 47, 2021: 52}),
            ),
            Indicator(
                "セミナー参加者満足度",
                "%",
                target=_series({2018: 70, 2019: 70, 2020: 80, 2021: 80}),
                actual=_series({2018: 72, 2019: 74, 2020: 91, 2021: 88}),
                editions=(2019, 2020),
            ),
        ),
        plan=("中小企業の生産性向上に向けた取組を支援します。",),
        efforts=("専門家派遣による生産性向上支援", "生産性向上セミナーの開催"),
        do=(
            "専門家を派遣し、業務改善の取組を支援した。",
            ("①", "専門家派遣による支援 ４５件"),
            ("②", "生産性向上セミナーの開催 ３回"),
        ),
        supplement=("セミナーはオンラインで開催した。",),
        covid_do=("テレワーク導入の相談に対応した。",),
        check=(
            ("①", "ＩＴ導入の支援を強化すべきである。"),
            ("②", "支援の成果を数値で把握することが望ましい。"),
        ),
        covid_check=(("③", "テレワークの定着を支援することが必要である。"),),
        action=(
            ("①", "ＩＴ専門家の派遣を拡充していく。"),
            ("②", "支援企業の労働生産性の変化を調査していく。"),
            ("③", "テレワーク導入後の運用について専門家による相談に対応していく。"),
        ),
        next_plan=("専門家派遣による生産性向上支援",),
    ),
    Measure(
        key="shotengai",
        article=16,
        name="商店街課題対応事業",
        parent="商業振興関連事業",
        position=1,
        shares_review_with_next=True,
        indicators=(
            Indicator(
                "商店街への訪問件数",
                "回",
                target=_series({2018: 50, 2019: 50, 2020: 50, 2021: 50}),
                actual=_series({2018: 180, 2019: 203, 2020: 0, 2021: 62}),
            ),
        ),
        plan=("商店街が抱える課題に対応するため、専門家の派遣や研修を実施します。",),
        efforts=("商店街への訪問と課題の把握",),
        do=("職員が商店街を訪問し、課題を把握した。",),
        supplement=("感染症の拡大を踏まえ訪問を中止した期間がある。",),
        covid_do=("商店街の感染症対策を支援した。",),
        check=(),
        covid_check=(),
        action=(),
        next_plan=("商店街への訪問と課題の把握",),
    ),
    Measure(
        key="shogyoryoku",
        article=16,
        name="商業⼒強化事業",
        parent="商業振興関連事業",
        position=2,
        indicators=(
            Indicator(
                "個店の魅力向上に向けた支援件数",
                "件",
                target=_series({2018: 25, 2019: 25, 2020: 25, 2021: 25}),
                actual=_series({2018: 22, 2019: 19, 2020: 2, 2021: 21}),
            ),
            Indicator(
                "Ｂｕｙかわさきフェスティバルの来場者数",
                "人",
                target=_series({2018: 1500, 2019: 1500, 2020: 1500, 2021: 1500}),
                actual=_series({2018: 1380, 2019: 1400, 2020: CANCELLED, 2021: 1120}),
            ),
        ),
        plan=("個店の魅力向上と商業者の育成を支援します。",),
        efforts=("個店の魅力向上支援", "Ｂｕｙかわさきフェスティバルの開催"),
        do=("個店の魅力向上に向けたワークショップを開催した。",),
        supplement=("フェスティバルは感染症の影響により中止した。",),
        covid_do=("販売会形式に代えてオンラインでの販売を支援した。",),
        check=(
            ("①", "商店街と個店の支援を一体的に進めるべきである。"),
            ("②", "若手商業者のネットワークづくりが必要である。"),
            ("③", "キャッシュレス決済の導入を支援することが望ましい。"),
        ),
        covid_check=(("④", "感染症対策と集客を両立する取組が必要である。"),),
        action=(
            ("②", "若手商業者の交流会を開催していく。"),
            ("①", "商店街と個店の支援を連携させて実施していく。"),
            ("③", "キャッシュレス決済の導入セミナーを開催していく。"),
            ("④", "感染症対策の成功事例を商店街に共有していく。"),
        ),
        next_plan=("個店の魅力向上支援", "Ｂｕｙかわさきフェスティバルの開催"),
    ),
    Measure(
        key="tourism",
        article=16,
        name="観光振興事業",
        indicators=(
            Indicator(
                "観光客入込数",
                "人",
                target=_series({2018: 17000000, 2019: 17480000, 2020: 18000000, 2021: 18000000}),
                actual=_series({2018: 15270000, 2019: 15600000, 2020: 12760000, 2021: 13100000}),
                unit_by_edition={(2020, "actual"): "万人"},
            ),
            Indicator(
                "宿泊施設の年間宿泊客数（）内は外国人",
                "人",
                target=_series(
                    {
                        2018: v(1900000, sub_value="210000"),
                        2019: v(1930000, sub_value="220000"),
                        2020: v(1950000, sub_value="220000"),
                        2021: v(1950000, sub_value="220000"),
                    }
                ),
                actual=_series(
                    {
                        2018: v(2010000, sub_value="250000"),
                        2019: v(2170000, sub_value="280000"),
                        2020: v(1400000, sub_value="60000"),
                        2021: v(1320000, sub_value="30000"),
                    }
                ),
            ),
            Indicator(
                "⼯場夜景・産業観光ツアーの年間参加者数",
                "人",
                target=_series({2018: 7500, 2019: 7700, 2020: 7900, 2021: 7900}),
                actual=_series({2018: 7400, 2019: 4800, 2020: 900, 2021: 2300}),
            ),
        ),
        plan=("「新・かわさき観光振興プラン」に基づき、観光資源の魅力を発信します。",),
        efforts=("産業観光の推進", "観光情報の発信"),
        do=("⼯場夜景ツアー等の産業観光を実施した。",),
        supplement=(
            "観光客数、宿泊客数、ツアー参加者数は、年(1-12月）集計している。",
            "感染症の影響により、ツアーの定員を縮小したため、参加者数が目標を下回った。",
        ),
        covid_do=("ツアーの定員を縮小して実施した。",),
        check=(
            ("①", "観光客の回遊性を高める取組が必要である。"),
            ("②", "外国人観光客の回復に備えた準備を進めるべきである。"),
        ),
        covid_check=(
            (
                "③",
                "市内の魅⼒に触れる機会の少ない市⺠も多いことから、コロナ禍だからこそ、マイクロツーリズムに⼒を入れ、市⺠に新しい価値に気付いてもらうことが重要ではないか。",
            ),
        ),
        action=(
            ("①", "観光資源を結ぶモデルコースを作成していく。"),
            ("②", "多言語での情報発信を強化していく。"),
            ("③", "市内の魅⼒ある観光資源を市⺠に再認識していただけるよう、マイクロツーリズムを推進していく。"),
        ),
        next_plan=("産業観光の推進",),
    ),
    Measure(
        key="employment",
        article=17,
        name="雇用労働対策・就業支援事業",
        indicators=(
            Indicator(
                "キャリアサポートかわさきでの就職決定者数",
                "人",
                target=_series({2018: 1000, 2019: 1100, 2020: 1100, 2021: 1100}),
                actual=_series({2018: 1180, 2019: 1251, 2020: 1240, 2021: 1302}),
                restated={(2020, "actual", 2020): v(1204)},
            ),
            Indicator(
                "就職支援セミナー参加者の就職率",
                "％",
                target=_series({2018: 60, 2019: 60, 2020: 65, 2021: 65}),
                actual=_series({2018: "63.5", 2019: "61.2", 2020: "58.4", 2021: "66.0"}),
            ),
        ),
        plan=("若者や女性、⾼齢者等の就業を支援し、中小企業の人材確保を図ります。",),
        efforts=("キャリアサポートかわさきの運営", "就職支援セミナーの開催"),
        do=("キャリアサポートかわさきで就業相談と職業紹介を⾏った。",),
        supplement=("就職率は就職支援セミナー参加者のうち就職した者の割合である。",),
        covid_do=("オンラインでの就業相談を開始した。",),
        check=(
            ("①", "中小企業の採用⼒の強化を支援すべきである。"),
            ("②", "就職後の定着を支援することが望ましい。"),
            ("③", "外国人材の活用についても検討すべきである。"),
            ("④", "企業の魅力を発信する取組が必要である。"),
        ),
        covid_check=(
            ("⑤", "感染症の影響で離職した方への支援を強化すべきである。"),
            (
                "⑥",
                "就職イベントについて、オンラインだけではなく、直接会って話を聞きたいという参加者からのニーズもある。",
            ),
        ),
        action=(
            ("①", "中小企業向けの採用⼒向上セミナーを開催していく。"),
            ("②", "就職後のフォローアップ面談を実施していく。"),
            ("③", "外国人材の雇用に関する相談に対応していく。"),
            (
                "⑤～⑥",
                "新型コロナを踏まえた対応としては、セミナーや就職イベントごとに効果的な開催方法を検討するとともに、求職者と企業が直接会えるマッチング機会を創出していく。",
            ),
        ),
        next_plan=("キャリアサポートかわさきの運営", "就職支援セミナーの開催"),
    ),
    Measure(
        key="overseas",
        article=18,
        name="海外販路開拓事業",
        indicators=(
            Indicator(
                "海外展示会・商談会での商談件数",
                "件",
                target=_series({2018: 100, 2019: 110, 2020: 100, 2021: 120}),
                actual=_series({2018: 131, 2019: 125, 2020: 64, 2021: 98}),
                restated={(2020, "target", 2020): v(120)},
            ),
            Indicator(
                "支援企業の海外売上高の前年度比増減率",
                "%",
                target=_series({2018: "3.0", 2019: "5.0", 2020: "5.0", 2021: "5.0"}),
                actual=_series({2018: "4.2", 2019: "-1.5", 2020: "-21.2", 2021: "2.5"}),
            ),
        ),
        plan=("海外展開を目指す中小企業の販路開拓を支援します。",),
        efforts=("海外展示会への出展支援", "海外ビジネス相談の実施"),
        do=("海外展示会への出展を支援し、商談機会を創出した。",),
        supplement=("海外展示会の多くがオンライン開催となり、支援企業の海外売上高は減少した。",),
        covid_do=("オンライン商談会を開催した。",),
        check=(
            ("①", "オンライン商談の成約率を高める支援が必要である。"),
            ("②", "現地パートナーとの連携を強化すべきである。"),
        ),
        covid_check=(("③", "海外渡航が制限される中での支援方法を⼯夫すべきである。"),),
        action=(
            ("①", "商談前の準備支援を強化していく。"),
            ("②", "現地支援機関との連携を強化していく。"),
            ("③", "オンライン商談会と越境ＥＣの活用を支援していく。"),
        ),
        next_plan=("海外展示会への出展支援", "オンライン商談会の開催"),
    ),
)


@dataclass(frozen=True)
class ArticleOpinion:
    """The opinions of the council on one article's measures, as a whole and on COVID-19.

    Printed in the table at the start of section 4 (条文 / 施策 / 施策全体への意見 /
    コロナ対応への意見); each tuple holds the paragraphs of one cell.
    """

    article: int
    overall: tuple[str, ...]
    covid: tuple[str, ...]


ARTICLE_OPINIONS: tuple[ArticleOpinion, ...] = (
    ArticleOpinion(
        12,
        overall=(
            "起業家支援拠点では、クラウドファンディングなど支援メニューを⼯夫しながら、ソーシャルビジネスの支援も進めることができると良い。地元の事業者と起業・創業しようとする方々の繋がる機会があると様々な刺激に繋がる。",
            "ウェルフェアイノベーションの推進にあたっては、介護現場の困りごとの解決を形にしていくことが重要だ。",
        ),
        covid=("オンラインの活用やハイブリッドによるイベント開催等、⼯夫しながら事業を実施することが必要だ。",),
    ),
    ArticleOpinion(
        13,
        overall=(
            "派生した成果も含め効果的に発信していくことが必要ではないか。マッチング成⽴件数をアウトカムとして示していくのが良いのではないか。",
        ),
        covid=("オンラインの活用により、市内企業と地方の企業が容易に繋がることができ、ネットワーク構築の点で有効だ。",),
    ),
    ArticleOpinion(
        14,
        overall=(
            "工業振興にあたっては、ＩＴ活用の一層の推進を期待する。事業承継後の新社⻑は先輩経営者の取組が参考となる。",
        ),
        covid=("ＢＣＰが整っていない事業者は多く、すそ野を広げた支援が有効ではないか。",),
    ),
    ArticleOpinion(
        15,
        overall=(
            "生産性向上の取組について、情報提供方法の⼯夫などにより取組をより周知するとともに、引続き生産性向上と働き方改革を連携しながら事業を進めていけると良い。",
        ),
        covid=("セミナー等はハイブリッド型で⾏うことで、移動時間の節約にも繋がり参加しやすい形になる。",),
    ),
    ArticleOpinion(
        16,
        overall=(
            "商業振興にあたっては、ＩＴの活用等、新たな視点や取組を通じて事業を発展させることが必要であり、まずは若手商業者向けの勉強会の開催等の取組が必要ではないか。",
            "観光振興にあたっては、市内を周遊できるような取組があると良い。",
        ),
        covid=(
            "商業振興においては、新型コロナが落ち着いた後に、飲食店などが再起できるよう、状況を踏まえた支援策の実施が必要だ。",
            "観光振興においては、マイクロツーリズムに⼒を入れ、市⺠に新たな価値に気付いてもらうことが重要である。",
        ),
    ),
    ArticleOpinion(
        17,
        overall=(
            "業況が厳しい中、雇用を守りながら、就業形態等を点検・改善し、働き方改革を進めるなど、できることから地道に取り組むことが必要だ。",
        ),
        covid=("きめ細かく雇用状況を把握し対応していくことが重要である。",),
    ),
    ArticleOpinion(
        18,
        overall=("販路開拓においては、デジタルマーケティングにシフトすることも良い。",),
        covid=("コロナ禍では、相手が明確である段階であれば、逆にリモートの方が海外展開を進めやすいのではないか。",),
    ),
)


def measures_in(edition: int) -> tuple[Measure, ...]:
    return MEASURES


def indicators_in(measure: Measure, edition: int) -> tuple[Indicator, ...]:
    return tuple(i for i in measure.indicators if edition in i.editions)


PLANTED_DIFFERENCES: tuple[dict, ...] = (
    {
        "kind": "restated_actual",
        "measure": "起業化総合支援事業",
        "indicator": "川崎市創業支援事業計画全体での創業実績件数",
        "fiscal_year": 2019,
        "earlier_edition": 2019,
        "earlier_value": 160,
        "later_edition": 2020,
        "later_value": 162,
    },
    {
        "kind": "restated_actual",
        "measure": "雇用労働対策・就業支援事業",
        "indicator": "キャリアサポートかわさきでの就職決定者数",
        "fiscal_year": 2020,
        "earlier_edition": 2020,
        "earlier_value": 1204,
        "later_edition": 2021,
        "later_value": 1240,
    },
    {
        "kind": "changed_target",
        "measure": "海外販路開拓事業",
        "indicator": "海外展示会・商談会での商談件数",
        "fiscal_year": 2020,
        "earlier_edition": 2020,
        "earlier_value": 120,
        "later_edition": 2021,
        "later_value": 100,
    },
    {
        "kind": "renamed_measure",
        "measure": "ものづくり中小企業経営支援事業",
        "new_name": "ものづくり中小企業経営革新等支援事業",
        "earlier_edition": 2020,
        "later_edition": 2021,
    },
    {
        "kind": "dropped_indicator",
        "measure": "生産性向上推進事業",
        "indicator": "セミナー参加者満足度",
        "earlier_edition": 2020,
        "later_edition": 2021,
    },
    {
        "kind": "unit_mismatch",
        "measure": "観光振興事業",
        "indicator": "観光客入込数",
        "edition": 2020,
        "target_unit": "人",
        "actual_unit": "万人",
        "later_edition": 2020,
    },
    {
        "kind": "census_total_mismatch",
        "table": "事業所数",
        "survey_year": 2016,
        "edition": 2019,
        "printed_total": 40943,
        "sum_of_categories": 40934,
        "later_edition": 2019,
    },
    {
        "kind": "unexplained_shortfall",
        "measure": "ウェルフェアイノベーション推進事業",
        "indicator": "ウェルフェアイノベーションフォーラム全体会の開催回数",
        "fiscal_year": 2019,
        "edition": 2019,
        "later_edition": 2019,
    },
) + tuple(
    {"kind": kind, "measure": measure, "seq": seq, "edition": year, "later_edition": year}
    for year in EDITIONS
    for kind, measure, seq in (
        ("unanswered_opinion", "雇用労働対策・就業支援事業", 4),
        ("unasked_response", "知的財産戦略の推進", 4),
    )
)
