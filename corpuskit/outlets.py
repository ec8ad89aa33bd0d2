"""The outlet table: one small rule set per news organisation, and the generic rules.

Everything outlet-specific (names, domains, time zone, title suffixes, byline and copyright
forms, boilerplate lines, images that are not pictures) lives here, so that adapters stay
layout-only. To support a new outlet, add one ``OutletRule`` below.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from .urls import registered_domain


@dataclass(frozen=True)
class OutletRule:
    id: str
    name: str
    domains: tuple[str, ...]
    tz: str | None = None  # the zone of dates the outlet writes without one
    # other names the outlet goes by in feeds and mirrors (front-matter author, title suffix)
    aliases: tuple[str, ...] = ()
    # regexes removed from the end (or start) of titles: " – 法国国际广播电台 - RFI"
    title_noise: tuple[str, ...] = ()
    # paragraphs (full match, after normalisation) that are boilerplate for this outlet
    boilerplate: tuple[str, ...] = ()
    # image URLs that are not article pictures (logos, share cards, icons)
    junk_images: tuple[str, ...] = ()
    # the date line gives the print issue's day dressed up as a whole hour (T00:00:00Z,
    # T04:00:00Z): such a time is kept as the day; a time with minutes or seconds stays
    page_date_is_day: bool = False
    # paragraphs that are the outlet's own byline forms (full match), with optional named
    # groups ``authors`` / ``editors``; label forms (记者：…) are known to every outlet already
    bylines: tuple[str, ...] = ()


OUTLETS: tuple[OutletRule, ...] = (
    OutletRule(
        "epochtimes", "大纪元", ("epochtimes.com", "epochtimes.com.tw", "epochweekly.com"),
        tz="Asia/Taipei", aliases=("大纪元", "大紀元", "Epoch Times"),
        boilerplate=(r"要想定期快速浏览一周新闻集锦，请点这里。?",),
    ),
    OutletRule("ntdtv", "新唐人", ("ntdtv.com", "ntdtv.com.tw"), tz="America/New_York",
               aliases=("新唐人",)),
    OutletRule("minghui", "明慧网", ("minghui.org", "minghui.org.tw"), tz="Asia/Shanghai",
               aliases=("明慧网", "明慧網")),
    OutletRule(
        "dw", "德国之声", ("dw.com", "dw.de"), tz="UTC", aliases=("德国之声", "德國之聲", "DW"),
        title_noise=(r"\s*[|｜–-]\s*DW\s*[|｜–-]?\s*[\d.]*$",),
        # the closing writer/editor line: 凝炼/叶宣（德新社）
        bylines=(
            r"(?P<authors>[\u4e00-\u9fff·]{1,8})\s*/\s*(?P<editors>[\u4e00-\u9fff·]{1,8})"
            r"(?:\s*[（(][^）)]{1,20}[）)])?",
        ),
    ),
    OutletRule(
        "rfa", "自由亚洲电台", ("rfa.org",), tz="America/New_York",
        aliases=("自由亚洲电台", "自由亞洲電台", "RFA"),
    ),
    OutletRule(
        "voa", "美国之音", ("voachinese.com", "voanews.com", "voacantonese.com"),
        tz="America/New_York", aliases=("美国之音", "美國之音", "VOA"),
    ),
    OutletRule(
        "reuters", "路透", ("reuters.com", "thomsonreuters.com"), tz="UTC",
        aliases=("路透", "路透社", "Reuters"),
        title_noise=(r"\s*[|｜]\s*路透$",),
        boilerplate=(r"我们的标准：.*", r"汤森路透“信任原则”"),
    ),
    OutletRule(
        "rfi", "法国国际广播电台", ("rfi.fr",), tz="Europe/Paris",
        aliases=("法广", "法國國際廣播電台", "法国国际广播电台", "RFI"),
        title_noise=(r"\s*[–-]\s*(?:法国国际广播电台|法國國際廣播電台)\s*-\s*RFI$",),
        junk_images=(r"static\.rfi\.fr/meta_og_twcards/",),
    ),
    OutletRule(
        "bbc", "BBC", ("bbc.com", "bbc.co.uk"), tz="Europe/London",
        aliases=("BBC", "BBC中文", "BBC 中文"),
        title_noise=(r"\s*-\s*BBC\s*News\s*中文$",),
        boilerplate=(
            r"告知：第三方内容可能包含广告", r"媒体播放器不支持您的设备", r"图像加注文字，.*",
            r"跳过\s*\S+\s*帖子.*", r"\S+\s*帖子结束.*",
        ),
    ),
    OutletRule(
        "ft", "FT中文网", ("ft.com", "ftchinese.com", "ftacademy.cn"), tz="Asia/Shanghai",
        aliases=("金融时报", "FT中文网", "英国金融时报"),
        # the closing disclaimer names the desk editor: （本文仅代表作者本人观点，责编：闫曼 …）
        bylines=(
            r"[（(]?(?:本文仅代表作者|注：).{0,80}?(?:(?:责编|编辑)(?:邮箱)?[：:]?\s*"
            r"(?P<editors>[\u4e00-\u9fff]{2,4})?).*",
            r"本文编辑\s*(?P<editors>[\u4e00-\u9fff]{2,4}).*",
        ),
    ),
    OutletRule(
        "cna", "中央社", ("cna.com.tw",), tz="Asia/Taipei", aliases=("中央社", "(臺)中央社CNA"),
        boilerplate=(
            r"訂閱.{0,30}電子報.*", r"訂閱", r"感謝您的訂閱！?", r"請輸入.{0,20}(?:信箱|Email).*",
        ),
    ),
    OutletRule("zaobao", "联合早报", ("zaobao.com", "zaobao.com.sg"), tz="Asia/Singapore",
               aliases=("联合早报", "聯合早報")),
    # the Chinese edition's feed writes Beijing time without a zone (captures lag ~0.5 h)
    OutletRule(
        "nytimes", "纽约时报", ("nytimes.com", "nytchina.com", "cn.nytimes.com"),
        tz="Asia/Shanghai", aliases=("纽约时报", "紐約時報", "NYT", "纽约时报中文网"),
        # the byline is a paragraph of capitalised names: "STUART BUTLER", "A 和 B"
        bylines=(
            r"(?P<authors>[A-Z][A-Z.' -]{2,40}(?:\s*(?:,|，|、|和|AND)\s*[A-Z][A-Z.' -]{2,40})*)",
        ),
        boilerplate=(r"点击查看本文英文版。?", r"翻译[：:]\s*纽约时报中文网"),
    ),
    # the feed's date is the print issue's (a Saturday at midnight): a day, not a time
    OutletRule(
        "economist", "经济学人", ("economist.com",), tz="Europe/London",
        aliases=("经济学人", "The Economist"), page_date_is_day=True,
        boilerplate=(r"Listen on:.*", r"Please subscribe to The Economist.*",
                     r"For full access to print, digital and audio editions.*"),
    ),
    OutletRule("soundofhope", "希望之声", ("soundofhope.org",), tz="America/New_York",
               aliases=("希望之声",)),
    OutletRule("secretchina", "看中国", ("secretchina.com",), tz="America/New_York",
               aliases=("看中国",)),
    OutletRule("wsj", "华尔街日报", ("wsj.com", "cn.wsj.com"), tz="America/New_York",
               aliases=("华尔街日报",)),
    OutletRule("initium", "端传媒", ("theinitium.com",), tz="Asia/Hong_Kong",
               aliases=("端传媒",)),
    OutletRule("matters", "Matters", ("matters.news", "matters.town"), aliases=("Matters",)),
)


@dataclass(frozen=True)
class GenericRules:
    """Rules that hold for every outlet."""

    # Paragraphs that are never article text.
    boilerplate: tuple[str, ...] = (
        r"获取更多RSS[：:]?.*",
        r"https?://feedx\.\w+.*",
        r"(?:原文链接|原文地址|原文網址)(?:（[^）]*）)?[：:].*",
        r"手机上长按并复制下列链接或二维码分享本文章[：:].*",
        r"(?:点击|點擊)?(?:订阅|訂閱).{0,20}(?:频道|頻道|newsletter).*",
        r"本文网址[：:].*",
        r"#",
        r"[（(]完[）)]",  # wire end mark
        # a paragraph of "label：URL" lines (YouTube channel promos, 《时事大家谈》播放列表)
        r"(?:[^\n]{0,40}?[：:]?\s*https?://\S+\s*(?:\n|$))+",
    )
    # A paragraph that is a copyright statement goes to ``rights``.
    rights: tuple[str, ...] = (
        r"©.*", r"\(c\)\s*\d{4}.*", r"Copyright\s.*", r"版权所有.*", r"版權所有.*",
        r".{0,40}版权声明[：:].*", r".{0,40}版權聲明[：:].*",
        r"[（(](?:版权归|版權歸|版权所有|版權所有).{0,80}",
    )
    # Image URLs that are not pictures of the article.
    junk_images: tuple[str, ...] = (
        r"icon", r"logo", r"qrcode", r"qr[-_]?code", r"/qr/", r"feedx", r"banner",
        r"spacer\.gif", r"pixel\.gif", r"/ad[sv]?/", r"\+\+plone\+\+", r"emoji",
        r"gfw-breaker\.win", r"\.md$",
    )


GENERIC = GenericRules()

# Byline labels and the list they feed.
BYLINE_LABELS: dict[str, str] = {
    "记者": "authors", "記者": "authors", "作者": "authors", "撰稿": "authors",
    "采访": "authors", "採訪": "authors", "报道": "authors", "撰文": "authors",
    "文": "authors", "文字整理": "authors", "整理": "authors", "撰稿人": "authors",
    "实习记者": "authors", "實習記者": "authors", "特约记者": "authors", "特約記者": "authors",
    "编译": "authors", "編譯": "authors",
    "发稿": "editors", "發稿": "editors", "审校": "editors", "審校": "editors",
    "责任编辑": "editors", "責任編輯": "editors", "责编": "editors", "責編": "editors",
    "网编": "editors", "網編": "editors", "编辑": "editors", "編輯": "editors",
    "核稿编辑": "editors", "核稿編輯": "editors", "本文编辑": "editors",
    "核稿": "editors", "译者": "translators", "譯者": "translators", "翻译": "translators",
    "翻譯": "translators", "译": "translators",
}

# Wire-style bylines in parentheses at the top of a story, for every outlet that writes them:
# （大纪元记者徐简综合报导） （中央社記者繆宗翰北京特稿） （明慧网通讯员湖北报道）
AGENCY_BYLINE = re.compile(
    r"[（(](?:大纪元|大紀元|中央社|新唐人|明慧网|明慧網|明慧|希望之声|看中国|自由亚洲电台|美国之音)"
    r"(?:驻[^）)\s]{2,6}?)?(?:特约记者|特約記者|实习记者|實習記者|记者|記者|专栏作家|專欄作家)"
    r"(?P<authors>[^）()（]{2,30}?)(?:综合|綜合)?"
    r"(?:采访报导|採訪報導|编译报道|編譯報導|编译报导|报导|報導|报道|報道|专电|專電|电|電|特稿|外电|外電)"
    r"[）)]"
)

# Places that follow a reporter's name in wire bylines (李辰台湾台北报导): stripped from names.
PLACES = (
    "台湾", "台灣", "台北", "臺北", "新北", "台中", "臺中", "台南", "臺南", "高雄", "桃园", "桃園",
    "新竹", "基隆", "嘉义", "嘉義", "花莲", "花蓮", "宜兰", "宜蘭", "屏东", "屏東", "台东", "臺東",
    "彰化", "南投", "云林", "雲林", "苗栗", "金门", "金門", "澎湖", "马祖", "馬祖",
    "北京", "上海", "香港", "澳门", "澳門", "广州", "廣州", "深圳", "武汉", "武漢", "成都",
    "东京", "東京", "首尔", "首爾", "华盛顿", "華盛頓", "纽约", "紐約", "洛杉矶", "洛杉磯",
    "旧金山", "舊金山", "芝加哥", "休斯顿", "休士頓", "波士顿", "波士頓", "多伦多", "多倫多",
    "温哥华", "溫哥華", "渥太华", "渥太華", "伦敦", "倫敦", "巴黎", "柏林", "布鲁塞尔",
    "布魯塞爾", "日内瓦", "日內瓦", "维也纳", "維也納", "罗马", "羅馬", "莫斯科", "悉尼", "雪梨",
    "墨尔本", "墨爾本", "坎培拉", "新加坡", "曼谷", "吉隆坡", "雅加达", "雅加達", "马尼拉",
    "馬尼拉", "河内", "河內", "新德里", "开罗", "開羅", "耶路撒冷", "美国", "美國", "加拿大",
    "日本", "韩国", "韓國", "英国", "英國", "法国", "法國", "德国", "德國", "澳洲", "欧洲", "歐洲",
    "湖北", "湖南", "河北", "河南", "山东", "山東", "四川", "辽宁", "遼寧", "吉林", "黑龙江",
    "黑龍江", "大陆", "大陸", "海外", "综合", "綜合", "编译", "編譯",
)


@cache
def _by_domain() -> dict[str, OutletRule]:
    return {d: rule for rule in OUTLETS for d in rule.domains}


@cache
def _by_alias() -> dict[str, OutletRule]:
    table = {}
    for rule in OUTLETS:
        for name in (rule.name, *rule.aliases):
            table[name.lower()] = rule
    return table


def rule_for_url(url: str | None) -> OutletRule | None:
    if not url:
        return None
    domain = registered_domain(url)
    return _by_domain().get(domain or "")


def rule_for_name(name: str | None) -> OutletRule | None:
    if not name:
        return None
    return _by_alias().get(name.strip().lower())


def rule_by_id(outlet_id: str) -> OutletRule | None:
    return next((r for r in OUTLETS if r.id == outlet_id), None)


# Paragraph patterns that can start at any character and cost most of an alternation's time
# on a paragraph of prose (the engine tries every length of the leading run and each of the
# following optional parts: 1.2 µs a paragraph for the URL lines, a tenth of that for the other
# patterns together), with a literal that every match of each contains: such a pattern is tried
# only on text that contains its literal. tests/test_rules.py checks each literal against the
# pattern's parse tree; a pattern edited away from its entry here is tried on every text again.
# (Not worth it for short bounded runs like ``.{0,40}版权声明``: the ``in`` costs as much.)
GUARDS: dict[str, str] = {
    r"(?:[^\n]{0,40}?[：:]?\s*https?://\S+\s*(?:\n|$))+": "://",
    r"\S+\s*帖子结束.*": "帖子结束",
}


def _fullmatcher(patterns: tuple[str, ...]) -> Callable[[str], object]:
    """Whether a whole text matches any of ``patterns`` (case-insensitive, ``.`` matching a
    line break), truthy or not: what ``fullmatch`` of their alternation answers. Patterns with
    a guard in ``GUARDS`` are tried only on text that contains it; the answer is the same (a
    match of the alternation is a match of one of its patterns, whatever their order)."""
    plain = tuple(p for p in patterns if p not in GUARDS)
    guarded = [(GUARDS[p], _alt((p,)).fullmatch) for p in patterns if p in GUARDS]
    first = _alt(plain).fullmatch if plain else (lambda text: None)
    if not guarded:
        return first  # no Python call in between: the rights, most outlets' nothing else

    def fullmatch(text: str) -> bool:
        if first(text):
            return True
        for guard, guarded_fullmatch in guarded:
            if guard in text and guarded_fullmatch(text):
                return True
        return False

    return fullmatch


# Regex syntax in which a pattern without capitals means the same, case-insensitively, as it
# does case-sensitively on lowercased ASCII text: ASCII that is not a capital, escapes other
# than of code points (\\x41 is "A") and capitals (\\S, \\B …), and groups that set no flags.
_CASELESS_SYNTAX = re.compile(r"(?:[^\\(A-Z\x80-\U0010ffff]|\\[^xuN0-9A-Z\x80-\U0010ffff]"
                              r"|\((?!\?)|\(\?:)*")


def _searcher(patterns: tuple[str, ...]) -> Callable[[str], object]:
    """Whether any of ``patterns`` occurs in a text, case-insensitively, truthy or not.

    For an image URL: ASCII (as a valid URI is) is lowercased and searched case-sensitively
    when the patterns allow it (``_CASELESS_SYNTAX``): the same answer, 5x faster, because a
    case-insensitive alternation of cased literals is tried at every character, while a
    case-sensitive one lets the engine skip to the characters that can start a match."""
    anycase = _alt(patterns).search
    if not all(_CASELESS_SYNTAX.fullmatch(p) for p in patterns):
        return anycase
    lower = re.compile("|".join(f"(?:{p})" for p in patterns), re.DOTALL).search

    def search(text: str) -> object:
        return lower(text.lower()) if text.isascii() else anycase(text)

    return search


@dataclass
class Compiled:
    """An outlet's rules merged with the generic ones and compiled once."""

    rule: OutletRule | None
    # paragraphs (whole) that are boilerplate / a copyright statement: truthy or not
    is_boilerplate: Callable[[str], object]
    is_rights: Callable[[str], object]
    # image URLs that are no picture of the article: truthy or not
    is_junk_image: Callable[[str], object]
    bylines: list[re.Pattern[str]] = field(default_factory=list)
    title_noise: list[re.Pattern[str]] = field(default_factory=list)


def _alt(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE | re.DOTALL)


@cache
def compiled(outlet_id: str | None) -> Compiled:
    rule = rule_by_id(outlet_id) if outlet_id else None
    own = rule or OutletRule("", "", ())
    return Compiled(
        rule=rule,
        is_boilerplate=_fullmatcher(GENERIC.boilerplate + own.boilerplate),
        is_rights=_fullmatcher(GENERIC.rights),
        is_junk_image=_searcher(GENERIC.junk_images + own.junk_images),
        bylines=[re.compile(p, re.DOTALL) for p in own.bylines],
        title_noise=[re.compile(p) for p in own.title_noise],
    )
