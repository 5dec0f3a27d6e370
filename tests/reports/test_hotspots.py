"""R-SUP-2: hot spots found in the complaint texts themselves (jieba + clustering)."""

from __future__ import annotations

import pytest

from kefu.reports.hotspots import cluster_texts, words

LEAKS = [
    "楼上卫生间漏水，天花板渗水严重",
    "卫生间天花板漏水渗水，楼上不处理",
    "厨房天花板漏水，楼上卫生间渗水",
]
LIFTS = ["电梯经常停运，老人上下楼困难", "电梯停运两天了没人维修"]
OTHERS = ["停车位被占用，保安不管", "小区绿化带被破坏"]


def test_r_sup_2_it_cuts_chinese_text_into_topic_words_without_stopwords():
    found = words("楼上卫生间漏水已经三天了，物业一直没人来修")
    assert "漏水" in found and "卫生间" in found
    assert "已经" not in found and "物业" not in found and "，" not in found


def test_r_sup_2_it_groups_complaints_that_say_the_same_thing_in_different_words():
    items = list(enumerate(LEAKS + LIFTS + OTHERS))
    groups = cluster_texts(items, threshold=0.25)
    assert [sorted(g.ids) for g in groups] == [[0, 1, 2], [3, 4]]
    assert "漏水" in groups[0].terms and "电梯" in groups[1].terms


def test_r_sup_2_a_complaint_that_nobody_else_made_is_not_a_hot_spot():
    groups = cluster_texts(list(enumerate(OTHERS)), threshold=0.25)
    assert groups == []


def test_r_sup_2_the_same_texts_give_the_same_groups():
    items = list(enumerate((LEAKS + LIFTS) * 20))
    first = [(g.ids, g.terms) for g in cluster_texts(items)]
    assert first == [(g.ids, g.terms) for g in cluster_texts(items)]
    assert sum(len(ids) for ids, _ in first) == len(items)


def test_it_refuses_a_similarity_threshold_outside_zero_to_one():
    with pytest.raises(ValueError, match="threshold"):
        cluster_texts([(1, "漏水")], threshold=1.5)
