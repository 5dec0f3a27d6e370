"""Hot spots found in the complaint texts themselves (R-SUP-2): no Django here.

Categories show the problems someone already named; a new problem shows first as many
complaints that say the same thing in different words. The texts are cut into words with
jieba, weighted by TF-IDF (a word that every complaint uses says nothing), and grouped by
leader clustering on cosine similarity: each text joins the most similar existing group
when that similarity reaches the threshold, else it starts a new group. The groups are
described by their heaviest words. Deterministic: the same texts in the same order give
the same groups.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

# Words that carry no topic in complaint texts: function words, politeness, the parties
# every complaint names. Written for Kefu, not taken from a published list.
STOPWORDS = frozenset(
    """
    的 了 是 在 我 我们 你 你们 他 她 它 他们 这 那 这个 那个 就 都 也 还 又 和 与 及 或 但 但是
    而 并 很 太 非常 已经 一直 没有 没 不 有 被 把 给 让 对 向 从 到 为 为了 因为 所以 如果 就是
    一个 一下 一些 什么 怎么 怎么办 为什么 哪里 多少 吗 呢 吧 啊 呀 哦 嗯 请 请问 谢谢 麻烦 希望
    要求 需要 能 能否 可以 可能 应该 会 要 想 说 问 告诉 反映 反应 投诉 客户 业主 本人 我家 家里
    公司 物业 工作人员 人员 师傅 这样 那样 现在 今天 昨天 之前 以后 时候 时间 几天 多次 次 个 天
    上 下 里 中 后 前 再 才 却 等 等等 及时 一次 两次 三次 还是 只是 而且 然后 问题 情况 处理
    没人 经常 总是 两天 三天 好几天 一周 特别 真的 实在
    """.split()
)

_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{2,}")


@cache
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def words(text: str) -> list[str]:
    """The topic-bearing words of ``text``: jieba's cut, stopwords and one-character words out."""
    return [w for w in _jieba().lcut(text, HMM=False) if _WORD.fullmatch(w) and w not in STOPWORDS]


@dataclass
class Cluster:
    """A group of similar complaints: how many, which, and the words that describe them."""

    ids: list = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    example: str = ""
    _centroid: dict[str, float] = field(default_factory=dict, repr=False)

    @property
    def size(self) -> int:
        return len(self.ids)


def _vectors(docs: list[list[str]]) -> list[dict[str, float]]:
    df = Counter(w for doc in docs for w in set(doc))
    n = len(docs)
    vectors = []
    for doc in docs:
        tf = Counter(doc)
        vec = {w: c * (math.log((1 + n) / (1 + df[w])) + 1.0) for w, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({w: v / norm for w, v in vec.items()})
    return vectors


def cluster_texts(
    items: list[tuple[object, str]], *, threshold: float = 0.3, top: int = 10, terms: int = 5
) -> list[Cluster]:
    """Group ``items`` (id, text) by what they say; the ``top`` largest groups, largest first.

    Groups of one complaint are not hot spots and are left out.
    """
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be in (0, 1]")
    docs = [words(text) for _, text in items]
    vectors = _vectors(docs)
    clusters: list[Cluster] = []
    index: dict[str, set[int]] = {}  # word -> clusters whose centre holds it
    for (item_id, text), vec in zip(items, vectors, strict=True):
        if not vec:
            continue
        sims: dict[int, float] = {}
        for w, v in vec.items():
            for c in index.get(w, ()):
                sims[c] = sims.get(c, 0.0) + v * clusters[c]._centroid[w]
        best = min(
            (c for c, sim in sims.items() if sim >= threshold),
            key=lambda c: (-sims[c], c),
            default=None,
        )
        if best is None:
            best = len(clusters)
            clusters.append(Cluster(example=text))
        _join(clusters[best], item_id, vec)
        for w in vec:
            index.setdefault(w, set()).add(best)
    found = [c for c in clusters if c.size > 1]
    found.sort(key=lambda c: (-c.size, c.example))
    for cluster in found[:top]:
        cluster.terms = [
            w for w, _ in sorted(cluster._centroid.items(), key=lambda kv: (-kv[1], kv[0]))
        ][:terms]
    return found[:top]


def _join(cluster: Cluster, item_id, vec: dict[str, float]) -> None:
    """Add a text to a group and move the group's centre (the normalised mean) towards it."""
    k = len(cluster.ids)
    merged = {w: v * k for w, v in cluster._centroid.items()}
    for w, v in vec.items():
        merged[w] = merged.get(w, 0.0) + v
    norm = math.sqrt(sum(v * v for v in merged.values())) or 1.0
    cluster._centroid = {w: v / norm for w, v in merged.items()}
    cluster.ids.append(item_id)
