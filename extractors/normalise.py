"""Normalisation of the text layer: every number, unit, year and name nenpo stores passes here.

The PDF text layer of a Japanese municipal report is not clean Unicode. The FY2020 edition
of Kawasaki City's 中小企業活性化施策実施状況報告書 (the reference document) shows every
trap this module handles:

* Kangxi radicals instead of ordinary kanji (``主な検証意⾒ Check`` uses ⾒ U+2F92) and
  CJK Radicals Supplement characters that NFKC leaves alone (``⺠間創業支援事業者``,
  ``⻑距離ワイヤレス給電``);
* full-width digits, points and commas (``１``, ``11．0``), stray spaces inside numbers
  (``35 .1%``, ``令和2年度(n=1 ,023)``) and the accounting minus ``△21.2``;
* annotated and multi-line table cells (``59（新規38件・変更21件）``, ``1,930,000`` over
  ``(220,000)``) and words instead of numbers (``中止``);
* unit labels in brackets (``目 標（件）``, ``実績（万人）``), one of which is wrong;
* Japanese era years, spelt out or abbreviated, with or without a bracketed Gregorian
  year (``令和２（2020）年度``, ``R１（2019）年度``, ``H26(2014)``, ``R2.4``);
* chart labels that lost characters (``採⽤  ⼈材 定着率 低 ``): text that is not data.

Design rules:

* No public function raises on any ``str``: parsers return a result object whose
  ``reason`` says why there is no value. (``fiscal_year_of`` takes a date, not text.)
* Character maps are ``str.translate`` tables built once at import; every regex is
  compiled once, next to a comment showing the real text it matches.
* Hot functions are memoised with ``functools.lru_cache`` (table cells, units and
  headers repeat a lot across a report).
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
import statistics
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = [
    "CIRCLED",
    "Cell",
    "NumberResult",
    "TextQuality",
    "UNITS",
    "Unit",
    "UnitCheck",
    "YearRef",
    "GARBLED_THRESHOLD",
    "check_unit_scale",
    "clear_caches",
    "find_years",
    "fiscal_year_of",
    "item_numbers",
    "normalise_name",
    "normalise_text",
    "parse_cell",
    "parse_number",
    "parse_unit",
    "parse_year",
    "period_kind",
    "split_item",
    "text_quality",
]


def _as_str(value: object) -> str:
    """Coerce anything a caller hands in to ``str`` (``None`` -> ``''``) without raising."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    try:
        return str(value)
    except Exception:  # noqa: BLE001 - a __str__ that raises: treat as no text
        return ""


# ---------------------------------------------------------------------------------------
# Character tables
# ---------------------------------------------------------------------------------------

#: Circled numbers ①..⑳ are item labels (検証意見 ① is answered by 対応 ①); NFKC would
#: turn them into plain digits, so normalisation protects them.
CIRCLED: dict[str, int] = {chr(0x2460 + i): i + 1 for i in range(20)}

#: CJK Radicals Supplement (U+2E80–U+2EFF) -> the ideograph the glyph stands for.
#: NFKC folds only ⺟ and ⻳; the text layer uses the others for ordinary kanji
#: (``⺠間`` = 民間, ``成⻑`` = 成長, ``⻘少年`` = 青少年, ``⻄口`` = 西口). Where Unicode's
#: EquivalentUnifiedIdeograph data gives an equivalent it is used; the code points it
#: leaves out get the ideograph their character name describes (⻞ EAT TWO -> 食,
#: ⺜ SUN -> 日, ⻊ FOOT -> 足 …). Every assigned code point of the block is covered
#: (U+2E9A and U+2EF4–U+2EFF are unassigned).
RADICALS_SUPPLEMENT: dict[str, str] = {
    "\u2e80": "\u51ab",  # ⺀ REPEAT -> 冫
    "\u2e81": "\u5382",  # ⺁ CLIFF -> 厂
    "\u2e82": "\u4e5b",  # ⺂ SECOND ONE -> 乛
    "\u2e83": "\u4e5a",  # ⺃ SECOND TWO -> 乚
    "\u2e84": "\u4e59",  # ⺄ SECOND THREE -> 乙
    "\u2e85": "\u4ebb",  # ⺅ PERSON -> 亻
    "\u2e86": "\u5182",  # ⺆ BOX -> 冂
    "\u2e87": "\u51e0",  # ⺇ TABLE -> 几
    "\u2e88": "\u5200",  # ⺈ KNIFE ONE -> 刀
    "\u2e89": "\u5202",  # ⺉ KNIFE TWO -> 刂
    "\u2e8a": "\u535c",  # ⺊ DIVINATION -> 卜
    "\u2e8b": "\u353e",  # ⺋ SEAL -> 㔾
    "\u2e8c": "\u5c0f",  # ⺌ SMALL ONE -> 小
    "\u2e8d": "\u5c0f",  # ⺍ SMALL TWO -> 小
    "\u2e8e": "\u5140",  # ⺎ LAME ONE -> 兀
    "\u2e8f": "\u5c23",  # ⺏ LAME TWO -> 尣
    "\u2e90": "\u5c22",  # ⺐ LAME THREE -> 尢
    "\u2e91": "\u5c23",  # ⺑ LAME FOUR -> 尣
    "\u2e92": "\u5df3",  # ⺒ SNAKE -> 巳
    "\u2e93": "\u5e7a",  # ⺓ THREAD -> 幺
    "\u2e94": "\u5f51",  # ⺔ SNOUT ONE -> 彑
    "\u2e95": "\u5f50",  # ⺕ SNOUT TWO -> 彐
    "\u2e96": "\u5fc4",  # ⺖ HEART ONE -> 忄
    "\u2e97": "\u38fa",  # ⺗ HEART TWO -> 㣺
    "\u2e98": "\u624c",  # ⺘ HAND -> 扌
    "\u2e99": "\u6535",  # ⺙ RAP -> 攵
    "\u2e9b": "\u65e1",  # ⺛ CHOKE -> 旡
    "\u2e9c": "\u65e5",  # ⺜ SUN -> 日
    "\u2e9d": "\u6708",  # ⺝ MOON -> 月
    "\u2e9e": "\u6b7a",  # ⺞ DEATH -> 歺
    "\u2e9f": "\u6bcd",  # ⺟ MOTHER -> 母
    "\u2ea0": "\u6c11",  # ⺠ CIVILIAN -> 民
    "\u2ea1": "\u6c35",  # ⺡ WATER ONE -> 氵
    "\u2ea2": "\u6c3a",  # ⺢ WATER TWO -> 氺
    "\u2ea3": "\u706c",  # ⺣ FIRE -> 灬
    "\u2ea4": "\u722b",  # ⺤ PAW ONE -> 爫
    "\u2ea5": "\u722b",  # ⺥ PAW TWO -> 爫
    "\u2ea6": "\u4e2c",  # ⺦ SIMPLIFIED HALF TREE TRUNK -> 丬
    "\u2ea7": "\u725b",  # ⺧ COW -> 牛
    "\u2ea8": "\u72ad",  # ⺨ DOG -> 犭
    "\u2ea9": "\u738b",  # ⺩ JADE -> 王
    "\u2eaa": "\u758b",  # ⺪ BOLT OF CLOTH -> 疋
    "\u2eab": "\u7f52",  # ⺫ EYE -> 罒
    "\u2eac": "\u793a",  # ⺬ SPIRIT ONE -> 示
    "\u2ead": "\u793b",  # ⺭ SPIRIT TWO -> 礻
    "\u2eae": "\u7af9",  # ⺮ BAMBOO -> 竹
    "\u2eaf": "\u7cf9",  # ⺯ SILK -> 糹
    "\u2eb0": "\u7e9f",  # ⺰ C-SIMPLIFIED SILK -> 纟
    "\u2eb1": "\u7f53",  # ⺱ NET ONE -> 罓
    "\u2eb2": "\u7f52",  # ⺲ NET TWO -> 罒
    "\u2eb3": "\u34c1",  # ⺳ NET THREE -> 㓁
    "\u2eb4": "\u34c1",  # ⺴ NET FOUR -> 㓁
    "\u2eb5": "\u7f51",  # ⺵ MESH -> 网
    "\u2eb6": "\u7f8a",  # ⺶ SHEEP -> 羊
    "\u2eb7": "\u7f8a",  # ⺷ RAM -> 羊
    "\u2eb8": "\u7f8b",  # ⺸ EWE -> 羋
    "\u2eb9": "\u8002",  # ⺹ OLD -> 耂
    "\u2eba": "\u8080",  # ⺺ BRUSH ONE -> 肀
    "\u2ebb": "\u807f",  # ⺻ BRUSH TWO -> 聿
    "\u2ebc": "\u6708",  # ⺼ MEAT -> 月
    "\u2ebd": "\u81fc",  # ⺽ MORTAR -> 臼
    "\u2ebe": "\u8279",  # ⺾ GRASS ONE -> 艹
    "\u2ebf": "\u8279",  # ⺿ GRASS TWO -> 艹
    "\u2ec0": "\u8279",  # ⻀ GRASS THREE -> 艹
    "\u2ec1": "\u864e",  # ⻁ TIGER -> 虎
    "\u2ec2": "\u8864",  # ⻂ CLOTHES -> 衤
    "\u2ec3": "\u8980",  # ⻃ WEST ONE -> 覀
    "\u2ec4": "\u897f",  # ⻄ WEST TWO -> 西
    "\u2ec5": "\u89c1",  # ⻅ C-SIMPLIFIED SEE -> 见
    "\u2ec6": "\u89d2",  # ⻆ SIMPLIFIED HORN -> 角
    "\u2ec7": "\u89d2",  # ⻇ HORN -> 角
    "\u2ec8": "\u8ba0",  # ⻈ C-SIMPLIFIED SPEECH -> 讠
    "\u2ec9": "\u8d1d",  # ⻉ C-SIMPLIFIED SHELL -> 贝
    "\u2eca": "\u8db3",  # ⻊ FOOT -> 足
    "\u2ecb": "\u8f66",  # ⻋ C-SIMPLIFIED CART -> 车
    "\u2ecc": "\u8fb6",  # ⻌ SIMPLIFIED WALK -> 辶
    "\u2ecd": "\u8fb6",  # ⻍ WALK ONE -> 辶
    "\u2ece": "\u8fb6",  # ⻎ WALK TWO -> 辶
    "\u2ecf": "\u961d",  # ⻏ CITY -> 阝
    "\u2ed0": "\u9485",  # ⻐ C-SIMPLIFIED GOLD -> 钅
    "\u2ed1": "\u9577",  # ⻑ LONG ONE -> 長
    "\u2ed2": "\u9578",  # ⻒ LONG TWO -> 镸
    "\u2ed3": "\u957f",  # ⻓ C-SIMPLIFIED LONG -> 长
    "\u2ed4": "\u95e8",  # ⻔ C-SIMPLIFIED GATE -> 门
    "\u2ed5": "\u961c",  # ⻕ MOUND ONE -> 阜
    "\u2ed6": "\u961d",  # ⻖ MOUND TWO -> 阝
    "\u2ed7": "\u96e8",  # ⻗ RAIN -> 雨
    "\u2ed8": "\u9752",  # ⻘ BLUE -> 青
    "\u2ed9": "\u97e6",  # ⻙ C-SIMPLIFIED TANNED LEATHER -> 韦
    "\u2eda": "\u9875",  # ⻚ C-SIMPLIFIED LEAF -> 页
    "\u2edb": "\u98ce",  # ⻛ C-SIMPLIFIED WIND -> 风
    "\u2edc": "\u98de",  # ⻜ C-SIMPLIFIED FLY -> 飞
    "\u2edd": "\u98df",  # ⻝ EAT ONE -> 食
    "\u2ede": "\u98df",  # ⻞ EAT TWO -> 食
    "\u2edf": "\u98e0",  # ⻟ EAT THREE -> 飠
    "\u2ee0": "\u9963",  # ⻠ C-SIMPLIFIED EAT -> 饣
    "\u2ee1": "\u9996",  # ⻡ HEAD -> 首
    "\u2ee2": "\u9a6c",  # ⻢ C-SIMPLIFIED HORSE -> 马
    "\u2ee3": "\u9aa8",  # ⻣ BONE -> 骨
    "\u2ee4": "\u9b3c",  # ⻤ GHOST -> 鬼
    "\u2ee5": "\u9c7c",  # ⻥ C-SIMPLIFIED FISH -> 鱼
    "\u2ee6": "\u9e1f",  # ⻦ C-SIMPLIFIED BIRD -> 鸟
    "\u2ee7": "\u5364",  # ⻧ C-SIMPLIFIED SALT -> 卤
    "\u2ee8": "\u9ea6",  # ⻨ SIMPLIFIED WHEAT -> 麦
    "\u2ee9": "\u9ec4",  # ⻩ SIMPLIFIED YELLOW -> 黄
    "\u2eea": "\u9efe",  # ⻪ C-SIMPLIFIED FROG -> 黾
    "\u2eeb": "\u6589",  # ⻫ J-SIMPLIFIED EVEN -> 斉
    "\u2eec": "\u9f50",  # ⻬ C-SIMPLIFIED EVEN -> 齐
    "\u2eed": "\u6b6f",  # ⻭ J-SIMPLIFIED TOOTH -> 歯
    "\u2eee": "\u9f7f",  # ⻮ C-SIMPLIFIED TOOTH -> 齿
    "\u2eef": "\u7adc",  # ⻯ J-SIMPLIFIED DRAGON -> 竜
    "\u2ef0": "\u9f99",  # ⻰ C-SIMPLIFIED DRAGON -> 龙
    "\u2ef1": "\u9f9c",  # ⻱ TURTLE -> 龜
    "\u2ef2": "\u4e80",  # ⻲ J-SIMPLIFIED TURTLE -> 亀
    "\u2ef3": "\u9f9f",  # ⻳ C-SIMPLIFIED TURTLE -> 龟
}

#: Kangxi radicals U+2F00–U+2FD5 (``⾒`` ``⽉`` ``⾏`` ``⼯`` …, about 1,000 of them in the
#: reference). NFKC folds every one of them; the table is derived from NFKC at import so
#: the fold does not depend on where in the pipeline it happens.
KANGXI_RADICALS: dict[str, str] = {chr(cp): unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6)}

_SPACE = " "
_WAVE = "~"
_BULLET = "○"

#: One table applied after NFKC: radicals, spaces, line breaks, invisible characters,
#: hyphens, wave dashes and round bullets. Values never contain keys, so applying it
#: twice is the same as once.
_TEXT_MAP: dict[int, str] = {}
_TEXT_MAP.update({ord(k): v for k, v in RADICALS_SUPPLEMENT.items()})
_TEXT_MAP.update({ord(k): v for k, v in KANGXI_RADICALS.items()})
# Horizontal spaces: NBSP, ideographic space U+3000, en/em/thin/hair spaces, tab … -> ' '.
for _cp in (0x09, 0xA0, 0x1680, 0x202F, 0x205F, 0x3000, *range(0x2000, 0x200B)):
    _TEXT_MAP[_cp] = _SPACE
# Vertical breaks -> '\n' (CR LF is turned into one LF before the table applies).
for _cp in (0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029):
    _TEXT_MAP[_cp] = "\n"
# Other C0/C1 control characters -> ' ' (a control code in the text layer is a lost glyph).
for _cp in (*range(0x00, 0x09), *range(0x0E, 0x1C), 0x1F, *range(0x7F, 0x85), *range(0x86, 0xA0)):
    _TEXT_MAP[_cp] = _SPACE
# Invisible: zero-width space, word joiner, BOM, soft hyphen, Mongolian vowel separator.
for _cp in (0x200B, 0x2060, 0xFEFF, 0x00AD, 0x180E):
    _TEXT_MAP[_cp] = ""
# Hyphens that mean '-' (the dashes ― — – keep their meaning and are left alone):
# ‐ U+2010, ‑ U+2011, ‒ U+2012, − U+2212, ﹣ U+FE63, － U+FF0D.
for _cp in (0x2010, 0x2011, 0x2012, 0x2212, 0xFE63, 0xFF0D):
    _TEXT_MAP[_cp] = "-"
# Wave dashes: 〜 U+301C, ～ U+FF5E, ∼ U+223C, ⁓ U+2053 -> '~' (`11/13~1/11`, `9:00～12:00`).
for _cp in (0x301C, 0xFF5E, 0x223C, 0x2053):
    _TEXT_MAP[_cp] = _WAVE
# Round bullets: ◯ U+25EF, ● U+25CF, ⚪ U+26AA -> ○ (〇 U+3007 is handled by position).
for _cp in (0x25EF, 0x25CF, 0x26AA):
    _TEXT_MAP[_cp] = _BULLET
del _cp

#: Finds any character the table above would change (a quick scan decides whether the
#: comparatively slow ``str.translate`` is needed at all).
_NEEDS_MAP_RE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_TEXT_MAP)) + "]")

#: ①..⑳ split out of a string so that NFKC never sees them: ``①・②K-NICでは…``.
_CIRCLED_SPLIT_RE = re.compile("([\u2460-\u2473])")

#: Runs of spaces inside a line: ``主要 取扱商品      変更`` -> ``主要 取扱商品 変更``.
_SPACE_RUN_RE = re.compile(" {2,}")
#: Spaces at either end of a line: ``目 標（件） 90 95 `` (trailing space of the text layer).
_LINE_EDGE_RE = re.compile(" *\n *")
#: 〇 (U+3007, also the kanji zero) as a bullet: only at the start of a line and not
#: doubled. ``〇街路灯LED化実施数（累計）`` -> ``○街路灯…``, but ``〇〇事業`` (a placeholder)
#: and ``令和〇年`` stay.
_LINE_START_ZERO_RE = re.compile("^\u3007(?!\u3007)", re.M)


def _nfkc(s: str) -> str:
    """NFKC that leaves the circled numbers ①..⑳ as they are."""
    if _CIRCLED_SPLIT_RE.search(s) is None:
        return unicodedata.normalize("NFKC", s)
    parts = _CIRCLED_SPLIT_RE.split(s)
    # odd indexes are the circled numbers themselves
    return "".join(part if i % 2 else unicodedata.normalize("NFKC", part) for i, part in enumerate(parts))


def _is_nfkc(s: str) -> bool:
    if _CIRCLED_SPLIT_RE.search(s) is None:
        return unicodedata.is_normalized("NFKC", s)
    return all(
        unicodedata.is_normalized("NFKC", part) for i, part in enumerate(_CIRCLED_SPLIT_RE.split(s)) if not i % 2
    )


def _text_pass(s: str) -> str:
    if not s.isascii():
        s = _nfkc(s)
    if "\r" in s:
        s = s.replace("\r\n", "\n")
    if _NEEDS_MAP_RE.search(s) is not None:
        s = s.translate(_TEXT_MAP)
    if "  " in s:
        s = _SPACE_RUN_RE.sub(" ", s)
    if "\n" in s:
        s = _LINE_EDGE_RE.sub("\n", s)
    s = s.strip(" \n")
    if "\u3007" in s:
        s = _LINE_START_ZERO_RE.sub(_BULLET, s)
    return s


@functools.lru_cache(maxsize=1 << 16)
def _normalise_text(s: str) -> str:
    out = _text_pass(s)
    # Dropping invisible characters or folding a space can put a base character next to a
    # combining mark NFKC would compose with; run the pass again until nothing changes
    # (it almost never does: the check is NFKC's quick check).
    for _ in range(4):
        if out.isascii() or _is_nfkc(out):
            break
        out = _text_pass(out)
    return out


def normalise_text(s: str) -> str:
    """Canonical form of a line or block of text-layer text.

    NFKC (full-width digits and brackets, half-width katakana, Kangxi radicals ``⾒`` ->
    見), CJK Radicals Supplement by explicit map (``⺠`` -> 民, ``⻑`` -> 長), every kind
    of space to one ASCII space with runs collapsed and each line stripped, line breaks
    kept as ``\\n``, hyphens to ``-``, wave dashes ``～〜∼`` to ``~``, bullets ``◯●`` to
    ``○`` and ``〇`` to ``○`` at the start of a line. Circled numbers ①..⑳ are kept.

    ``normalise_text(normalise_text(s)) == normalise_text(s)`` for every string.
    """
    return _normalise_text(_as_str(s))


#: Whitespace of any kind, removed from names: ``ものづくり中⼩企業 経営支援事業``.
_ANY_SPACE_RE = re.compile(r"\s+")
#: Bullets and list marks in front of a name: ``○川崎市創業支援事業計画全体での創業実績件数``,
#: ``・9⽉19日 22日の4日間で来場者5.7万人``, ``◆``, ``※``.
_LEADING_BULLETS_RE = re.compile("^(?:[○◎◆◇■□●・･※*★☆▶►▷➢>]|\u3007(?!\u3007))+")
#: Punctuation a name never ends with: ``…実施件数。`` ``…事業、`` ``…支援:``.
_TRAILING_PUNCT = "。、.,:;・!?"


def _name_pass(s: str) -> str:
    s = _normalise_text(s)
    s = _ANY_SPACE_RE.sub("", s)
    s = _LEADING_BULLETS_RE.sub("", s)
    return s.rstrip(_TRAILING_PUNCT)


@functools.lru_cache(maxsize=1 << 15)
def _normalise_name(s: str) -> str:
    out = _name_pass(s)
    for _ in range(4):  # removing spaces/bullets can expose another bullet: reach the fixpoint
        nxt = _name_pass(out)
        if nxt == out:
            break
        out = nxt
    return out


def normalise_name(s: str) -> str:
    """Join key for measure and indicator names.

    ``normalise_text``, then every whitespace character removed, leading bullets
    (``○ ・ ◆ ※ …``) and trailing punctuation (``。、.,:;・``) stripped. Circled item
    numbers are kept (``商業振興関連事業②商業力強化事業``): use ``split_item`` to take them off.
    Idempotent.
    """
    return _normalise_name(_as_str(s))


# ---------------------------------------------------------------------------------------
# Item labels ①..⑳
# ---------------------------------------------------------------------------------------

_CIRCLED_CLASS = "[\u2460-\u2473]"
#: Range separators between two circled numbers: ``④~⑥`` ``④～⑥`` ``④〜⑥`` ``④-⑥``.
_RANGE_SEP = "[~～〜∼\\-－‐−–]"
#: List separators between circled numbers: ``①・②`` ``①、②`` ``①,②``, or nothing ``①②``.
_LIST_SEP = "[・･、,，]"

#: One circled number or a range of them, anywhere in a label: ``①`` ``④~⑥``.
_ITEM_TOKEN_RE = re.compile(rf"(?P<a>{_CIRCLED_CLASS})(?:\s*{_RANGE_SEP}\s*(?P<b>{_CIRCLED_CLASS}))?")
#: The label at the start of a Check/Action line: ``①・②K-NICでは…``,
#: ``④~⑥新型コロナを踏まえた対応としては、…``, ``④コロナ禍においては、…``.
_ITEM_PREFIX_RE = re.compile(
    rf"^\s*(?P<label>{_CIRCLED_CLASS}"
    rf"(?:\s*(?:(?:{_RANGE_SEP}|{_LIST_SEP})\s*)?{_CIRCLED_CLASS})*)\s*(?P<rest>.*)$",
    re.S,
)


@functools.lru_cache(maxsize=4096)
def _item_numbers(label: str) -> tuple[int, ...]:
    seen: dict[int, None] = {}
    for m in _ITEM_TOKEN_RE.finditer(label):
        a = CIRCLED[m.group("a")]
        b = CIRCLED[m.group("b")] if m.group("b") else a
        numbers = range(a, b + 1) if b >= a else (a, b)
        for n in numbers:
            seen.setdefault(n, None)
    return tuple(seen)


def item_numbers(label: str) -> tuple[int, ...]:
    """Item numbers named by a label: ``①`` -> (1,), ``①・②`` -> (1, 2), ``④~⑥`` -> (4, 5, 6),
    ``①②`` -> (1, 2); ``()`` when the label names none. Order kept, duplicates dropped;
    a reversed range ``⑥~④`` gives its two ends only."""
    return _item_numbers(_as_str(label))


def split_item(line: str) -> tuple[tuple[int, ...], str, str]:
    """Split the leading item label off a line.

    ``①・②K-NICでは…`` -> ``((1, 2), '①・②', 'K-NICでは…')``; without a label
    ``((), '', line)`` with the line unchanged. Label and rest are returned as printed
    (the rest without the whitespace that followed the label).
    """
    line = _as_str(line)
    m = _ITEM_PREFIX_RE.match(line)
    if m is None:
        return (), "", line
    label = m.group("label")
    return _item_numbers(label), label, m.group("rest")


# ---------------------------------------------------------------------------------------
# Text quality
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextQuality:
    """How far a line or block of the text layer can be trusted.

    ``chars`` counts non-space characters. ``score`` is the weighted share of suspicious
    characters (0..1, see ``QUALITY_WEIGHTS``); ``garbled`` is ``score > GARBLED_THRESHOLD``.
    ``control`` (C0/C1 control characters) and ``gaps`` (runs of 2+ spaces between two
    CJK characters, where a chart label lost glyphs) are extra counts behind the score.
    """

    chars: int
    radicals: int
    supplement_radicals: int
    replacement: int
    lone_kana: int
    private_use: int
    score: float
    garbled: bool
    control: int = 0
    gaps: int = 0


#: Weight of one suspicious character (or token) in ``TextQuality.score``.
#: Kangxi radicals are a font quirk of this corpus that NFKC repairs, so they barely
#: count; a Radicals Supplement character needs the explicit map, a little more. Lost
#: or undecodable characters (U+FFFD, lone surrogates, private-use glyphs, control codes)
#: and isolated one-character kana/kanji tokens mean text is missing.
QUALITY_WEIGHTS: dict[str, float] = {
    "radicals": 0.02,
    "supplement_radicals": 0.1,
    "replacement": 1.0,
    "private_use": 1.0,
    "control": 1.0,
    "lone_kana": 1.0,
    "gaps": 0.5,
}

#: ``garbled`` when the score is above this. Measured on the reference text (8,963 lines):
#: prose, KPI rows (``目 標（件） 90 95``), letter-spaced headings (``条 例 に 基 づ く``) and
#: table rows score at most 0.059 (``条文 中小企業活性化施策 事務事業名 頁``); a line whose
#: only oddity is Kangxi radicals scores at most 0.02. Chart labels that lost glyphs score
#: from 0.0625 (``原材料  諸経費 増加``) to 0.23 (``取組 ⾏   ⼗分 効果``), and one-glyph
#: lines of vertical text 1.0. 175 lines are flagged; the known false positives are five
#: roster lines whose one-kanji surname or given name is padded (``…事務局長 舘  克則``).
GARBLED_THRESHOLD = 0.06

#: Suspicious single characters, one alternative per ``TextQuality`` counter.
_SUSPICIOUS_RE = re.compile(
    "(?P<radicals>[\u2f00-\u2fdf])"  # ⾒ ⽉ ⾏ ⼯ (主な検証意⾒ Check)
    "|(?P<supplement_radicals>[\u2e80-\u2eff])"  # ⺠ ⻑ ⻘ (⺠間創業支援事業者)
    "|(?P<replacement>[\ufffd\ud800-\udfff])"  # U+FFFD and lone surrogates: undecodable
    "|(?P<private_use>[\ue000-\uf8ff\U000f0000-\U0010ffff])"  # glyphs without Unicode
    "|(?P<control>[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f])"  # control codes
)

#: Kana and kanji as they occur in the text layer (incl. radicals and half-width kana;
#: the middle dot ・ U+30FB is punctuation and left out).
_CJK_CLASS = (
    "\u3041-\u309f\u30a0-\u30fa\u30fc-\u30ff\uff66-\uff9f"  # hiragana, katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # kanji (ext. A, unified, compatibility)
    "\u2e80-\u2eff\u2f00-\u2fdf\u3005\u3007"  # radicals, 々, 〇
)
#: Single characters that stand alone legitimately: 他 (``（株）野村総合研究所 他``), 計, 等.
_LONE_OK = "他計等"
#: A one-character kana/kanji token standing alone between spaces: the ``低`` of
#: ``採⽤  ⼈材 定着率 低 `` (採用した人材の定着率の低さ, particles lost) and one-glyph lines
#: of vertical chart text (``導`` ``入`` ``予`` ``定``). Not lone:
#: a counter next to a number (``・交付件数 66 件``, ``第 3 火曜日``), and letter-spaced
#: words, where a neighbour one space away is also a single character (``条 例 に 基 づ く``,
#: ``大 企 業``, ``目 標（件）``: ``標`` is one character before its bracket).
_LONE_RE = re.compile(
    rf"(?<![^\s])(?<![0-9０-９] )(?<!(?<![^\s])[{_CJK_CLASS}] )"
    rf"(?![{_LONE_OK}])[{_CJK_CLASS}]"
    rf"(?![^\s])(?! [0-9０-９])(?! [{_CJK_CLASS}](?![{_CJK_CLASS}]))"
)
#: Two or more spaces between two CJK characters: ``異業種  交流``, ``新技術      情報不⾜``.
_GAP_RE = re.compile(rf"(?<=[{_CJK_CLASS}])[ \u3000]{{2,}}(?=[{_CJK_CLASS}])")


@functools.lru_cache(maxsize=1 << 14)
def _text_quality(s: str) -> TextQuality:
    chars = sum(map(len, s.split()))
    counts = dict.fromkeys(("radicals", "supplement_radicals", "replacement", "private_use", "control"), 0)
    for m in _SUSPICIOUS_RE.finditer(s):
        counts[m.lastgroup] += 1  # type: ignore[index]
    lone = gaps = 0
    gap_weight = 0.0
    if not s.isascii():
        lone = sum(1 for _ in _LONE_RE.finditer(s))
        if "  " in s or "\u3000" in s:
            for m in _GAP_RE.finditer(s):
                gaps += 1
                # a wider gap lost more glyphs: 2 spaces 0.5, each further space +0.1, max 1
                gap_weight += min(1.0, QUALITY_WEIGHTS["gaps"] + 0.1 * (len(m.group()) - 2))
    weighted = sum(QUALITY_WEIGHTS[k] * v for k, v in counts.items()) + QUALITY_WEIGHTS["lone_kana"] * lone + gap_weight
    score = round(min(1.0, weighted / max(chars, 1)), 4)
    return TextQuality(
        chars=chars,
        radicals=counts["radicals"],
        supplement_radicals=counts["supplement_radicals"],
        replacement=counts["replacement"],
        lone_kana=lone,
        private_use=counts["private_use"],
        score=score,
        garbled=score > GARBLED_THRESHOLD,
        control=counts["control"],
        gaps=gaps,
    )


def text_quality(s: str) -> TextQuality:
    """Score one line or block of raw text-layer text (before ``normalise_text``)."""
    return _text_quality(_as_str(s))


# ---------------------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit as printed and what it means.

    ``printed`` is the unit text as it stood (brackets and surrounding space removed,
    characters untouched: ``万人``, ``％``, ``⼈``); ``canonical`` the unit a value is
    stored in once ``scale`` is applied (``万人`` -> ``人`` × 10,000); ``kind`` one of
    ``count``, ``money``, ``percent``, ``ratio``, ``other``.
    """

    printed: str
    canonical: str
    scale: float
    kind: str


#: Base units: printed form (after ``normalise_text``) -> (canonical, kind).
#: The KPI tables of the reference print 件 回 人 社 % ％ 万人 (``目 標（件）``,
#: ``実績（万人）``); the budget table prints ``予算規模 （千円）``. ``名`` stays ``名``
#: (a headcount, but the warehouse keeps the printed counter); か所 has four spellings.
_BASE_UNITS: dict[str, tuple[str, str]] = {
    # counts
    "件": ("件", "count"),
    "回": ("回", "count"),
    "人": ("人", "count"),
    "名": ("名", "count"),
    "社": ("社", "count"),
    "者": ("者", "count"),
    "団体": ("団体", "count"),
    "店": ("店", "count"),
    "店舗": ("店舗", "count"),
    "か所": ("か所", "count"),
    "ヶ所": ("か所", "count"),
    "ケ所": ("か所", "count"),
    "カ所": ("か所", "count"),
    "ヵ所": ("か所", "count"),
    "箇所": ("か所", "count"),
    "事業所": ("事業所", "count"),
    "事業者": ("事業者", "count"),
    "企業": ("企業", "count"),
    "施設": ("施設", "count"),
    "事業": ("事業", "count"),
    "講座": ("講座", "count"),
    "商店街": ("商店街", "count"),
    "世帯": ("世帯", "count"),
    "部": ("部", "count"),
    "冊": ("冊", "count"),
    "台": ("台", "count"),
    "個": ("個", "count"),
    "枚": ("枚", "count"),
    "本": ("本", "count"),
    "戸": ("戸", "count"),
    "棟": ("棟", "count"),
    "校": ("校", "count"),
    "組": ("組", "count"),
    "品目": ("品目", "count"),
    "種類": ("種類", "count"),
    "プロジェクト": ("プロジェクト", "count"),
    "イベント": ("イベント", "count"),
    # money
    "円": ("円", "money"),
    # percentages and ratios
    "%": ("%", "percent"),
    "倍": ("倍", "ratio"),
    # other measures
    "ポイント": ("ポイント", "other"),
    "pt": ("ポイント", "other"),
    "日": ("日", "other"),
    "日間": ("日", "other"),
    "時間": ("時間", "other"),
    "か月": ("か月", "other"),
    "ヶ月": ("か月", "other"),
    "カ月": ("か月", "other"),
    "ヵ月": ("か月", "other"),
    "t": ("t", "other"),
    "トン": ("t", "other"),
    "kg": ("kg", "other"),
    "km": ("km", "other"),
    "m": ("m", "other"),
    "m2": ("m2", "other"),  # ㎡ after NFKC
    "ha": ("ha", "other"),
    "kWh": ("kWh", "other"),
}

#: Units that are not a base unit times a prefix: 割 is tenths (3割 = 30%).
_SPECIAL_UNITS: dict[str, tuple[str, float, str]] = {
    "割": ("%", 10.0, "percent"),
}

#: Scale prefixes, longest first: ``百万円`` ``千円`` ``万人`` ``億円``.
SCALE_PREFIXES: tuple[tuple[str, float], ...] = (
    ("百万", 1e6),
    ("千万", 1e7),
    ("十万", 1e5),
    ("万", 1e4),
    ("千", 1e3),
    ("百", 1e2),
    ("億", 1e8),
    ("兆", 1e12),
)
#: Only counts, money and tonnes take a scale prefix (``万件`` yes, ``万%`` no).
_PREFIXABLE_KINDS = frozenset({"count", "money"})
_PREFIXABLE_OTHER = frozenset({"t"})


def _build_unit(key: str, printed: str) -> Unit | None:
    if key in _BASE_UNITS:
        canonical, kind = _BASE_UNITS[key]
        return Unit(printed, canonical, 1.0, kind)
    if key in _SPECIAL_UNITS:
        canonical, scale, kind = _SPECIAL_UNITS[key]
        return Unit(printed, canonical, scale, kind)
    for prefix, scale in SCALE_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            base = key[len(prefix) :]
            if base in _BASE_UNITS:
                canonical, kind = _BASE_UNITS[base]
                if kind in _PREFIXABLE_KINDS or canonical in _PREFIXABLE_OTHER:
                    return Unit(printed, canonical, scale, kind)
            return None
    return None


#: Every unit nenpo knows by its printed form: the base units, ％ and the scaled forms
#: that occur in municipal reports. ``parse_unit`` also composes any other prefix+base.
UNITS: dict[str, Unit] = {
    key: unit
    for key in (
        *_BASE_UNITS,
        *_SPECIAL_UNITS,
        "％",
        "万人",
        "千人",
        "万件",
        "千件",
        "千円",
        "万円",
        "百万円",
        "億円",
        "千t",
    )
    if (unit := _build_unit(normalise_text(key), key)) is not None
}

#: A whole bracketed unit or the last bracket group of a label: ``（件）`` ``(万人)``
#: ``目 標（件）`` ``実績（万人）`` ``予算規模 （千円）`` ``[人]`` ``〔社〕``.
_UNIT_BRACKET_RE = re.compile(r"[(（\[［〔【<＜〈]\s*([^()（）\[\]［］〔〕【】<>＜＞〈〉]*?)\s*[)）\]］〕】>＞〉]\s*$")
#: A unit caption: ``単位：千円`` ``単位:人`` ``（単位 件）``.
_UNIT_CAPTION_RE = re.compile(r"^単位\s*[:：]?\s*")


@functools.lru_cache(maxsize=4096)
def _parse_unit(text: str) -> Unit | None:
    printed = text.strip()[-64:]  # a unit label is short; only its end matters
    m = _UNIT_BRACKET_RE.search(printed)
    if m is not None:
        printed = m.group(1)
    printed = _UNIT_CAPTION_RE.sub("", printed).strip()
    if not printed or len(printed) > 12:
        return None
    key = _ANY_SPACE_RE.sub("", _normalise_text(printed))
    return _build_unit(key, printed)


def parse_unit(text: str) -> Unit | None:
    """The unit printed in ``text``, or ``None``.

    Accepts a bare unit (``件``, `` ％ ``), a bracketed one (``（件）``, ``(万人)``), a
    caption (``単位：千円``) and a row label ending in a bracketed unit (``目 標（件）``).
    Prefixes compose with base units: ``万人`` -> 人 × 1e4, ``百万円`` -> 円 × 1e6.
    """
    return _parse_unit(_as_str(text))


# ---------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NumberResult:
    """A number read from text: ``value`` or, when there is none, the ``reason``.

    ``text`` is the input as given. Integers come back as floats equal to the int
    (``1,930,000`` -> ``1930000.0``). ``percent`` is true when a ``%``/``％`` was printed
    or the unit is a percentage. Reasons: ``empty``, ``no digits``, ``text``,
    ``multiple numbers``, ``bracketed``, ``malformed``, ``too large``.
    """

    text: str
    value: float | None
    reason: str | None
    percent: bool

    @property
    def ok(self) -> bool:
        return self.value is not None


#: Characters a printed number may use, folded to one spelling: full-width digits and
#: signs (``１`` ``０`` ``11．0`` ``76.8％``), minus signs (``－ − ‐ ‑ ‒ – ﹣``), the
#: accounting minus (``▲`` -> ``△``), and every kind of space or line break -> ' '.
_NUM_MAP: dict[int, str] = {0xFF10 + i: str(i) for i in range(10)}
_NUM_MAP.update(
    {
        ord("．"): ".",
        ord("，"): ",",
        ord("､"): "、",
        ord("％"): "%",
        ord("＋"): "+",
        ord("▲"): "△",
        ord("▵"): "△",
        ord("～"): "~",
        ord("〜"): "~",
        ord("∼"): "~",
        ord("："): ":",
        ord("／"): "/",
    }
)
for _ch in "－−‐‑‒–﹣":
    _NUM_MAP[ord(_ch)] = "-"
for _cp in (
    0x09,
    0x0A,
    0x0B,
    0x0C,
    0x0D,
    0x85,
    0xA0,
    0x1680,
    0x2028,
    0x2029,
    0x202F,
    0x205F,
    0x3000,
    *range(0x2000, 0x200B),
):
    _NUM_MAP[_cp] = " "
del _ch, _cp

#: A whole printed number after folding: optional sign, integer part with or without
#: thousands separators (``,`` or ``、``, three digits per group), optional decimals,
#: optional ``%``. Stray spaces are allowed before a separator and around the point, as
#: the text layer prints them: ``35 .1%``, ``令和2年度(n=1 ,023)``, ``△21.2``, ``11．0``,
#: ``1,930,000``, ``76.8``, ``△ 3``.
_NUMBER_RE = re.compile(
    r"(?P<sign>[-+△±])?[ ]*"
    r"(?P<int>[0-9]{1,3}(?:[ ]*[,、][0-9]{3})+|[0-9]+)"
    r"(?:[ ]*\.[ ]*(?P<frac>[0-9]+))?"
    r"[ ]*(?P<pct>%)?"
)
#: Digit runs, to explain a failure: ``90 95`` has two (multiple numbers), ``1,93`` one.
_DIGIT_RUN_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
#: What may sit between digit runs without making the text "text": spaces, signs,
#: separators, ranges and brackets (``2～3``, ``11/13~1/11``, ``9:00～12:00``, ``(60,000)``).
_NUMBERISH = frozenset(" -+△±%~/、・:.,()[]")
_BRACKETS = frozenset("()[]")


def _fail(text: str, reason: str, percent: bool = False) -> NumberResult:
    return NumberResult(text, None, reason, percent)


def _explain(text: str, cleaned: str) -> NumberResult:
    if not cleaned:
        return _fail(text, "empty")
    if not any(c.isdigit() and c in "0123456789" for c in cleaned):
        return _fail(text, "no digits")
    runs = _DIGIT_RUN_RE.findall(cleaned)
    rest = _DIGIT_RUN_RE.sub(" ", cleaned)
    if any(c not in _NUMBERISH for c in rest):
        return _fail(text, "text")
    if len(runs) >= 2:
        return _fail(text, "multiple numbers")
    if any(c in _BRACKETS for c in rest):
        return _fail(text, "bracketed")
    return _fail(text, "malformed")


def _unit_suffixes(unit: Unit | None) -> tuple[str, ...]:
    if unit is None:
        return ()
    forms = {_ANY_SPACE_RE.sub("", _normalise_text(unit.printed)), unit.canonical}
    forms.discard("")
    forms.discard("%")  # '%' is part of the number grammar
    return tuple(sorted(forms, key=len, reverse=True))


@functools.lru_cache(maxsize=1 << 16)
def _parse_number(text: str, unit: Unit | None, apply_scale: bool) -> NumberResult:
    cleaned = text.translate(_NUM_MAP).strip()
    if "  " in cleaned:
        cleaned = _SPACE_RUN_RE.sub(" ", cleaned)
    for suffix in _unit_suffixes(unit):
        if cleaned.endswith(suffix) and len(cleaned) > len(suffix):
            cleaned = cleaned[: -len(suffix)].rstrip()
            break
    m = _NUMBER_RE.fullmatch(cleaned)
    if m is None:
        return _explain(text, cleaned)
    digits = re.sub(r"[ ,、]", "", m.group("int"))
    number = digits + ("." + m.group("frac") if m.group("frac") else "")
    sign = m.group("sign")
    if sign in ("-", "△"):
        number = "-" + number
    percent = m.group("pct") is not None or (unit is not None and unit.kind == "percent")
    try:
        if apply_scale and unit is not None and unit.scale != 1:
            value = float(Decimal(number) * Decimal(repr(unit.scale)))
        else:
            value = float(number)
    except (ValueError, InvalidOperation, OverflowError):
        return _fail(text, "malformed", percent)
    if not math.isfinite(value):
        return _fail(text, "too large", percent)
    return NumberResult(text, value, None, percent)


def parse_number(text: str, unit: Unit | None = None, apply_scale: bool = False) -> NumberResult:
    """Read one printed number.

    Handles half- and full-width digits, thousands separators ``,，、``, points ``.．``,
    minus signs ``- － − ‐`` and the accounting minus ``△ ▲``, a leading ``+``, a
    trailing ``% ％``, stray spaces inside (``35 .1%``, ``1 ,930``), and a trailing unit
    equal to ``unit`` (``15名``). With ``apply_scale`` the value is multiplied by
    ``unit.scale`` (exactly, in decimal). Never raises: a failure has ``value None``
    and a ``reason``.
    """
    text = _as_str(text)
    if not isinstance(unit, Unit):
        unit = None
    return _parse_number(text, unit, bool(apply_scale))


# ---------------------------------------------------------------------------------------
# Table cells
# ---------------------------------------------------------------------------------------

REPORTED = "reported"
CANCELLED = "cancelled"
NOT_REPORTED = "not_reported"
NOT_NUMERIC = "not_numeric"


@dataclass(frozen=True, slots=True)
class Cell:
    """One value cell of a KPI or data table.

    ``text`` is the cell exactly as printed. ``status`` is ``reported`` (``value`` set),
    ``cancelled`` (``中止``), ``not_reported`` (blank or a dash) or ``not_numeric`` (words,
    several numbers …; ``reason`` says which). ``annotation`` holds printed qualifiers
    (``新規38件・変更21件``, ``約``, ``以上``); a bracketed number under or after the
    value is the ``sub_value`` (``1,930,000`` over ``(220,000)``: foreign guests).
    Values are never scaled by the unit here.
    """

    text: str
    value: float | None
    status: str
    annotation: str | None
    sub_value: float | None
    sub_value_text: str | None
    reason: str | None


#: Blank and dash cells: ``''`` ``-`` ``－`` ``―`` ``—`` ``ー`` ``…`` ``・・・`` ``/``,
#: also bracketed ``(-)``, and ``該当なし`` / ``N/A``.
_NOT_REPORTED_RE = re.compile(r"[(\[]? ?(?:[-‐−–—―─━ーｰ/…・･.*]+|該当なし|N/?A)? ?[)\]]?", re.I)
#: Cancelled cells: ``中止`` (実 績（人） 1,400 中止), ``(中止)``, ``開催中止``,
#: ``中止(コロナ)``.
_CANCELLED_RE = re.compile(
    r"[(\[]? ?(?:開催|事業|実施)?(?:中止|休止|取りやめ|取り止め|取止め) ?[)\]]?"
    r"(?: ?[(\[](?P<note>[^()\[\]]*)[)\]])?"
)
#: Cancellation said in words, without any number: ``新型コロナウイルス感染症の影響により中止``.
_CANCEL_WORD_RE = re.compile(r"中止|休止|取りやめ|取り止め|取止め")
#: A value cell: qualifier, number, printed unit, qualifier, bracketed part - all optional
#: but the number. ``59（新規38件・変更21件）``, ``1,930,000\n(220,000)``,
#: ``1,400,000 (60,000)``, ``△21.2``, ``76.8``, ``15名``, ``約100件以上``.
_CELL_RE = re.compile(
    r"(?P<pre>約|概ね|およそ|延べ|延|計|合計|累計)? ?"
    r"(?P<num>[-+△▲±]? ?[0-9](?:[0-9,、.]| (?=[0-9,、.%]))*%?)"
    r" ?(?P<unit>[^ 0-9()\[\]~]{1,6}?)?"
    r" ?(?P<post>以上|以下|程度|超|未満|余り|強|弱)?"
    r" ?(?:[(\[](?P<inner>[^()\[\]]*)[)\]])? ?"
)
#: A cell that is only a bracketed number: ``(60,000)``.
_BRACKET_ONLY_RE = re.compile(r"[(\[] ?(?P<inner>[^()\[\]]*) ?[)\]]")


def _cell_not_reported(text: str, t: str, unit: Unit | None) -> Cell | None:
    if _NOT_REPORTED_RE.fullmatch(t) is None:
        return None
    return Cell(text, None, NOT_REPORTED, None, None, None, "empty" if not t else "dash")


def _cell_cancelled(text: str, t: str, unit: Unit | None) -> Cell | None:
    m = _CANCELLED_RE.fullmatch(t)
    if m is not None:
        note = (m.group("note") or "").strip() or None
        return Cell(text, None, CANCELLED, note, None, None, "cancelled")
    if _CANCEL_WORD_RE.search(t) and not any(c in "0123456789" for c in t):
        return Cell(text, None, CANCELLED, t, None, None, "cancelled")
    return None


def _cell_number(text: str, t: str, unit: Unit | None) -> Cell | None:
    m = _CELL_RE.fullmatch(t)
    if m is None:
        return None
    number = _parse_number(m.group("num"), unit, False)
    if not number.ok:
        return None
    notes: list[str] = []
    if m.group("pre"):
        notes.append(m.group("pre"))
    printed_unit = m.group("unit")
    if printed_unit:
        own = _parse_unit(printed_unit)
        if own is None:
            return None  # a word after the number: not a value cell
        column_scale = unit.scale if unit is not None else 1.0
        if own.scale != column_scale:
            reason = f"unit {printed_unit} differs from the column unit"
            return Cell(text, None, NOT_NUMERIC, None, None, None, reason)
        if unit is None or own.canonical != unit.canonical:
            notes.append(printed_unit)
    if m.group("post"):
        notes.append(m.group("post"))
    sub_value = sub_text = None
    inner = m.group("inner")
    if inner is not None:
        inner = inner.strip()
        sub = _parse_number(inner, unit, False)
        if sub.ok:
            sub_value, sub_text = sub.value, inner
        elif inner:
            notes.append(inner)
    annotation = " ".join(notes) or None
    return Cell(text, number.value, REPORTED, annotation, sub_value, sub_text, None)


def _cell_bracket_only(text: str, t: str, unit: Unit | None) -> Cell | None:
    m = _BRACKET_ONLY_RE.fullmatch(t)
    if m is None:
        return None
    sub = _parse_number(m.group("inner"), unit, False)
    if not sub.ok:
        return None
    inner = m.group("inner").strip()
    return Cell(text, None, NOT_NUMERIC, None, sub.value, inner, "only a bracketed value")


#: Cell rules, tried in order; the first that returns a Cell wins.
_CELL_RULES: tuple[Callable[[str, str, Unit | None], Cell | None], ...] = (
    _cell_not_reported,
    _cell_cancelled,
    _cell_number,
    _cell_bracket_only,
)


@functools.lru_cache(maxsize=1 << 15)
def _parse_cell(text: str, unit: Unit | None) -> Cell:
    # one line, single spaces: the cell rules never see runs of whitespace
    t = _ANY_SPACE_RE.sub(" ", _normalise_text(text))
    for rule in _CELL_RULES:
        cell = rule(text, t, unit)
        if cell is not None:
            return cell
    reason = _parse_number(t, unit, False).reason or "text"
    return Cell(text, None, NOT_NUMERIC, None, None, None, reason)


def parse_cell(text: str, unit: Unit | None = None) -> Cell:
    """Read one table cell (see ``Cell``). ``unit`` is the unit of the row or column: a
    number followed by that unit (``15名``) is a plain value. Never raises."""
    text = _as_str(text)
    if not isinstance(unit, Unit):
        unit = None
    try:
        return _parse_cell(text, unit)
    except Exception as exc:  # noqa: BLE001 - pragma: no cover - a bug; reported, never raised
        return Cell(text, None, NOT_NUMERIC, None, None, None, f"internal error: {exc!r}")


# ---------------------------------------------------------------------------------------
# Unit consistency
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitCheck:
    """Whether a row's printed unit scale may be applied to its values, and why not."""

    consistent: bool
    detail: str | None


#: Largest plausible magnitude of a stored value, per canonical unit (after scaling).
#: Persons: 1e9 (a 万人 value above 100,000 would be more than a billion people); yen:
#: 1e14 (more than the national budget); anything else: 1e10.
PLAUSIBLE_MAX: dict[str, float] = {"人": 1e9, "名": 1e9, "円": 1e14, "%": 1e6}
_DEFAULT_PLAUSIBLE_MAX = 1e10


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,}"


def check_unit_scale(
    unit: Unit,
    values: Sequence[float],
    reference_unit: Unit | None = None,
    reference_values: Sequence[float] | None = None,
) -> UnitCheck:
    """Decide whether ``unit.scale`` may be applied to ``values``.

    The rule, in order:

    1. A unit without scale (``人``, ``件``, ``%``) is always consistent.
    2. Plausibility: if any value times the scale exceeds ``PLAUSIBLE_MAX`` for the
       canonical unit, the printed scale is wrong. The reference prints
       ``実績（万人） 15,600,000 12,760,000``: as 万人 that is 156 billion visitors.
    3. Magnitude against the reference row of the same table (``reference_unit`` and
       ``reference_values``, e.g. the target row ``目標（人） 17,480,000 18,000,000``):
       with the same canonical unit, values that are in the printed unit differ from
       the reference values by the ratio of the scales (1e4 for 万人 vs 人). If the
       medians are closer (in log10) to equal than to that ratio, the values are already
       in the reference's unit and the printed scale is wrong.

    When inconsistent, record the printed unit, keep the values unscaled and report the
    mismatch (``detail``). Never raises; non-finite and non-numeric values are ignored.
    """
    if not isinstance(unit, Unit):
        return UnitCheck(True, "no unit")
    vals = _finite(values)
    if unit.scale == 1:
        if isinstance(reference_unit, Unit) and reference_unit.scale != 1:
            refs = _finite(reference_values)
            if vals and refs and _closer_to_equal(vals, refs, reference_unit.scale):
                return UnitCheck(
                    True,
                    f"values match the reference row's magnitudes: its {reference_unit.printed} looks misprinted",
                )
        return UnitCheck(True, None)
    if not vals:
        return UnitCheck(True, "no values to check")
    limit = PLAUSIBLE_MAX.get(unit.canonical, _DEFAULT_PLAUSIBLE_MAX)
    biggest = max(abs(v) for v in vals)
    if biggest * unit.scale > limit:
        detail = (
            f"{_fmt(biggest)} {unit.printed} would be {_fmt(biggest * unit.scale)} "
            f"{unit.canonical}: implausible (limit {limit:.0e}); values look like plain "
            f"{unit.canonical}"
        )
        if isinstance(reference_unit, Unit):
            detail += f" as in the reference row ({reference_unit.printed})"
        return UnitCheck(False, detail + "; kept unscaled")
    if isinstance(reference_unit, Unit) and reference_unit.canonical == unit.canonical:
        refs = _finite(reference_values)
        ratio = unit.scale / reference_unit.scale
        if refs and ratio != 1 and _closer_to_equal(vals, refs, 1 / ratio):
            return UnitCheck(
                False,
                f"values have the magnitude of the reference row ({reference_unit.printed}), "
                f"not 1/{_fmt(ratio)} of it as {unit.printed} implies; kept unscaled",
            )
    return UnitCheck(True, None)


def _finite(values: Sequence[float] | None) -> list[float]:
    out: list[float] = []
    if values is None:
        return out
    try:
        for v in values:
            if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
                out.append(float(v))
    except TypeError:
        return []
    return out


def _closer_to_equal(values: list[float], refs: list[float], expected_ratio: float) -> bool:
    """True when median(values)/median(refs) is nearer 1 than ``expected_ratio`` (log10)."""
    a = statistics.median(abs(v) for v in values if v) if any(values) else 0.0
    b = statistics.median(abs(v) for v in refs if v) if any(refs) else 0.0
    if a <= 0 or b <= 0 or expected_ratio <= 0:
        return False
    r = math.log10(a / b)
    return abs(r) < abs(r - math.log10(expected_ratio))


# ---------------------------------------------------------------------------------------
# Years and periods
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class YearRef:
    """One year reference found in text.

    ``year`` is Gregorian (from the era when one is printed; the era wins over a
    bracketed year that disagrees, and ``conflict`` says so). ``fiscal`` is true for
    ``年度`` and ``FY`` (April-March), false for ``年`` and for bare ``R2``/``H30``.
    ``text`` is the matched text after ``normalise_text``.
    """

    year: int
    era: str | None
    era_year: int | None
    bracket_year: int | None
    fiscal: bool
    month: int | None
    day: int | None
    text: str
    conflict: str | None


#: Gregorian year of era year 0 (令和1 = 2019).
ERA_OFFSETS: dict[str, int] = {
    "明治": 1867,
    "大正": 1911,
    "昭和": 1925,
    "平成": 1988,
    "令和": 2018,
}
#: Latin abbreviations in tables and charts (``R1（2019）年度``, ``H26(2014)``, ``S63``).
#: M/T (明治/大正) are left out: in this corpus a bare ``M2`` or ``T3`` is never a year.
ERA_ABBREVIATIONS: dict[str, str] = {"R": "令和", "H": "平成", "S": "昭和"}

_ERA = r"令和|平成|昭和|大正|明治|(?<![A-Za-z0-9])[RHS]"
_G = r"(?:1[89]|2[01])[0-9]{2}"


def _md(n: int) -> str:
    """Month and day after 年: ``令和３年５⽉18日`` -> 5, 18; ``平成 28（2016）年４月`` -> 4."""
    return rf"(?:\s*(?P<m{n}>[0-9]{{1,2}})\s*月(?:\s*(?P<d{n}>[0-9]{{1,2}})\s*日)?)?"


#: Year references, tried left to right (all on normalised text: ASCII digits/brackets).
_YEAR_RE = re.compile(
    # 1. Gregorian with the era in brackets: 2020(令和2)年度
    rf"(?<![0-9])(?P<g1>{_G})\s*\(\s*(?P<era1>{_ERA})\s*(?P<ey1>元|[0-9]{{1,2}})\s*\)"
    rf"\s*(?P<suf1>年度|年)?{_md(1)}"
    # 2. Era year, bracketed Gregorian, suffix or .month(.day):
    #    令和2(2020)年度  令和元年度  平成28年  平成 28(2016)年4月  R1(2019)年度  R2  H30
    #    H26(2014)  S63  R2.4  令和3年5月18日(火)
    rf"|(?P<era2>{_ERA})\s*(?P<ey2>元|[0-9]{{1,2}})(?![0-9])"
    rf"(?:\s*\(\s*(?P<by2>[0-9]{{4}})\s*\))?"
    rf"(?:\s*(?P<suf2>年度|年){_md(2)}"
    rf"|\.(?P<dm2>[0-9]{{1,2}})(?![0-9])(?:\.(?P<dd2>[0-9]{{1,2}})(?![0-9]))?)?"
    # 3. FY2020
    rf"|(?<![A-Za-z])FY\s*(?P<g3>{_G})(?![0-9])"
    # 4. Gregorian with 年/年度: 2020年度  2021 年 4-6 月期  (2019)年度
    rf"|(?:\(\s*(?P<g5>{_G})\s*\)|(?<![0-9])(?P<g4>{_G}))\s*(?P<suf4>年度|年){_md(4)}"
)


def _valid_md(month: str | None, day: str | None) -> tuple[int | None, int | None]:
    m = int(month) if month else None
    d = int(day) if day else None
    if m is None or not 1 <= m <= 12:
        return None, None
    if d is not None and not 1 <= d <= 31:
        d = None
    return m, d


def _year_from_match(m: re.Match[str], text: str) -> YearRef | None:
    g = m.groupdict()
    matched = m.group(0).strip()
    if g["g1"]:
        era = ERA_ABBREVIATIONS.get(g["era1"], g["era1"])
        era_year = 1 if g["ey1"] == "元" else int(g["ey1"])
        if era_year == 0:
            return None
        year = int(g["g1"])
        implied = ERA_OFFSETS[era] + era_year
        conflict = None if implied == year else f"{era}{era_year} is {implied}, printed year is {year}"
        month, day = _valid_md(g["m1"], g["d1"])
        return YearRef(year, era, era_year, None, g["suf1"] == "年度", month, day, matched, conflict)
    if g["era2"]:
        bare = g["era2"] in ERA_ABBREVIATIONS and not (g["by2"] or g["suf2"] or g["dm2"])
        following = text[m.end() : m.end() + 1]
        if bare and following.isascii() and following.isalpha():
            return None  # 'H2O', 'R2D2': not a year
        era = ERA_ABBREVIATIONS.get(g["era2"], g["era2"])
        era_year = 1 if g["ey2"] == "元" else int(g["ey2"])
        if era_year == 0:
            return None
        year = ERA_OFFSETS[era] + era_year
        bracket = int(g["by2"]) if g["by2"] else None
        conflict = (
            f"{era}{era_year} is {year}, bracket says {bracket}" if bracket is not None and bracket != year else None
        )
        if g["suf2"]:
            month, day = _valid_md(g["m2"], g["d2"])
        else:
            month, day = _valid_md(g["dm2"], g["dd2"])
        fiscal = g["suf2"] == "年度"
        return YearRef(year, era, era_year, bracket, fiscal, month, day, matched, conflict)
    if g["g3"]:
        return YearRef(int(g["g3"]), None, None, None, True, None, None, matched, None)
    if g["g4"] or g["g5"]:
        month, day = _valid_md(g["m4"], g["d4"])
        fiscal = g["suf4"] == "年度"
        year = int(g["g4"] or g["g5"])
        return YearRef(year, None, None, None, fiscal, month, day, matched, None)
    return None  # pragma: no cover - every alternative sets one group


@functools.lru_cache(maxsize=1 << 14)
def _find_years(text: str) -> tuple[YearRef, ...]:
    t = _normalise_text(text)
    out = []
    for m in _YEAR_RE.finditer(t):
        ref = _year_from_match(m, t)
        if ref is not None:
            out.append(ref)
    return tuple(out)


def find_years(text: str) -> list[YearRef]:
    """Every year reference in ``text``, in order (see ``parse_year`` for the forms)."""
    return list(_find_years(_as_str(text)))


def parse_year(text: str) -> YearRef | None:
    """The first year reference in ``text``, or ``None``.

    Forms: ``令和２（2020）年度``, ``令和元年度``, ``平成28年``, ``R1（2019）年度``, ``Ｒ２``,
    ``H30``, ``H26(2014)``, ``S63``, ``2020年度``, ``FY2020``, ``2020（令和2）年度``,
    ``R2.4`` (year and month), ``令和３年５⽉18日（⽕）`` (Kangxi radicals are folded first).
    """
    refs = _find_years(_as_str(text))
    return refs[0] if refs else None


def fiscal_year_of(d: _dt.date) -> int:
    """Japanese fiscal year (April-March) of a date: 2021-03-31 -> 2020, 2021-04-01 -> 2021."""
    return d.year if d.month >= 4 else d.year - 1


#: Period notes, strongest first.
_PERIOD_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # calendar-year note: 年(1-12⽉）集計 (観光客数…は、年(1-12月)集計している), 暦年, 1～12月
    (re.compile(r"暦年|(?<![0-9])1\s*[-~]\s*12\s*月"), "calendar"),
    # fiscal-year span: 4月~3月, 4-3月
    (re.compile(r"(?<![0-9])4\s*月?\s*[-~]\s*(?:翌年)?\s*3\s*月"), "fiscal"),
    # 年度: 令和２（2020）年度, R1（2019）年度, 年度末
    (re.compile(r"年度|FY"), "fiscal"),
    # a year number with 年: 平成28年, 平成 28（2016）年, 2021 年, 令和元年
    (re.compile(r"(?:[0-9]|元)\s*(?:\([0-9]{4}\))?\s*年(?!度)"), "calendar"),
)


@functools.lru_cache(maxsize=4096)
def _period_kind(text: str) -> str | None:
    t = _normalise_text(text)
    for pattern, kind in _PERIOD_RULES:
        if pattern.search(t):
            return kind
    return None


def period_kind(text: str) -> str | None:
    """``'fiscal'`` for 年度 (or a 4月-3月 span), ``'calendar'`` for 年 with a year number
    or a ``年(1-12月)集計`` note, ``None`` if the text names neither. An explicit
    calendar note wins over 年度 elsewhere in the same text."""
    return _period_kind(_as_str(text))


def clear_caches() -> None:
    """Empty the memo caches of every function here (benchmarks, long-lived processes)."""
    for fn in (
        _normalise_text,
        _normalise_name,
        _item_numbers,
        _text_quality,
        _parse_unit,
        _parse_number,
        _parse_cell,
        _find_years,
        _period_kind,
    ):
        fn.cache_clear()
