"""Acceptance: the five seed captures, checked against values read from the files by hand."""

from __future__ import annotations

from conftest import SEEDS

import corpuskit
from corpuskit.pipeline import Outcome, extract_capture
from corpuskit.sources import iter_captures
from corpuskit.text import split_paragraphs


def test_every_seed_validates(seed_articles):
    assert len(seed_articles) == 5
    for name, article in seed_articles.items():
        assert corpuskit.validate(article) == [], name


def test_000_mirror_page(seed_articles):
    a = seed_articles["000"]
    assert a.source_url == "https://www.epochtimes.com/gb/23/7/26/n14042248.htm"
    assert a.title == "朝鲜邀中俄高官高调访问 被指抱团取暖"
    assert a.outlet.id == "epochtimes"
    assert (a.published_at, a.published_precision) == ("2023-07-26", "day")
    assert a.published_source == "dateline"
    assert a.captured_at is None
    assert a.language == "zh-Hans"
    assert "徐简" in a.authors
    assert "李同德" in a.editors
    assert len(a.images) == 1
    img = a.images[0]
    assert img.url.endswith("/id14042250-000_33PW7BL-600x400.jpg")
    assert img.role == "lead"
    assert img.caption.startswith("7月25日，俄罗斯国防部长绍伊古（左前）访朝")
    assert img.credit == "KCNA VIA KNS/AFP"
    assert {"朝鲜", "朝鲜战争", "绍伊古", "李鸿忠"} <= set(a.tags)
    assert len(split_paragraphs(a.text)) == 12
    assert "（大纪元记者徐简综合报导）朝鲜本周迎接俄罗斯和中共代表团抵达该国" in a.text
    assert "（Aspen Security Forum）" in a.text
    for junk in ("责任编辑", "原文链接", "首页"):
        assert junk not in a.text
    assert a.source.mirror_url == "http://gfw-breaker.win/epoch-news/pages/ncid277/n14042248.md"
    assert a.source.format == "mirror"


def test_002_mirror_page(seed_articles):
    a = seed_articles["002"]
    assert (a.published_at, a.published_precision) == ("2023-09-05", "day")
    assert len(a.images) == 1
    assert a.images[0].credit == "ALEXEY NIKOLSKY/AFP/Getty Images"
    assert {"金正恩", "俄罗斯", "海参崴", "普京"} <= set(a.tags)
    assert len(split_paragraphs(a.text)) == 12


def test_001_dw_feed_capture(seed_articles):
    a = seed_articles["001"]
    assert a.outlet.id == "dw"
    assert a.published_at == "2023-10-19T13:08:46.609Z"
    assert a.published_precision == "millisecond"
    assert a.captured_at == "2023-10-19T13:17:02Z"
    assert a.language == "zh-Hans"
    assert len(a.images) == 10
    roles = [i.role for i in a.images]
    assert roles.count("inline") == 2 and roles.count("gallery") == 8
    assert a.images[0].original_url == "https://static.dw.com/image/67147821_303.jpg"
    assert "美韩对俄罗斯与朝鲜之间的交往增加表示担忧" in [i.caption for i in a.images]
    gallery = [i for i in a.images if i.role == "gallery"]
    assert gallery[1].title == "习近平来信"
    assert gallery[1].caption.startswith("这是金正恩自疫情爆发以来")
    paragraphs = split_paragraphs(a.text)
    assert "拉夫罗夫：朝、中、俄在寻求缓解地区紧张" in paragraphs
    for junk in ("获取更多RSS", "feedx", "版权声明"):
        assert junk not in a.text
    for image in gallery:
        assert image.caption not in a.text
    assert a.rights.startswith("© 2023年德国之声")


def test_003_dw_traditional(seed_articles):
    a = seed_articles["003"]
    assert a.outlet.id == "dw"
    assert a.language == "zh-Hant"
    assert a.published_at == "2023-09-05T01:42:02.538Z"
    assert a.captured_at == "2023-09-05T01:47:04Z"
    assert len(a.images) == 10
    assert "获取更多RSS" not in a.text and "feedx" not in a.text


def test_004_rfa_feed_capture(seed_articles):
    a = seed_articles["004"]
    assert a.outlet.id == "rfa"
    assert a.captured_at == "2023-09-14T14:39:00Z"
    assert a.published_at.startswith("2023-09-14")
    assert len(a.images) == 1
    assert a.images[0].caption.startswith("朝鲜中央通讯社发布的图片中")
    assert all("icon-zoom" not in i.url for i in a.images)
    tweets = [e for e in a.embeds if e.type == "tweet"]
    assert [t.url.rsplit("/", 1)[-1] for t in tweets] == [
        "1701895427506024767", "1702069050359394378"]
    assert a.authors == ["夏小华"]
    assert {"许书婷", "何平"} <= set(a.editors)
    assert "中国副总理将访朝" not in a.text  # related-links list
    assert "pic.twitter.com" not in a.text and "东方航天发射场（Vostochny" not in a.text[:60]
    assert "记者：" not in a.text and "责编" not in a.text


def test_each_outcome_carries_the_record_it_was_validated_as():
    """A pack spills ``Outcome.data`` instead of building the record again: it must be the
    article's record exactly, and its own (not shared with another outcome)."""
    outcomes = [o for c in iter_captures([SEEDS]) for o in extract_capture(c)]
    assert len(outcomes) == 5 and all(o.ok for o in outcomes)
    for o in outcomes:
        assert o.data == o.article.to_dict()
    assert len({id(o.data) for o in outcomes}) == len(outcomes)
    # an outcome made elsewhere, without the record, makes it itself
    made = Outcome(outcomes[0].capture, article=outcomes[0].article)
    assert made.data == outcomes[0].data and made.data is not outcomes[0].data
