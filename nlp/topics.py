"""A small taxonomy of what problems and improvements are about, so they can be counted.

Each statement gets one topic: the one whose key words weigh most in it; ties go to
the topic listed first (the more specific ones are listed first). Key words are
stems of the wording real reports use; the table below is the documentation.

| topic | what it covers | e.g. |
|---|---|---|
| policy_interpretation | form and quality of 政策解读 | 政策解读形式比较单一 |
| on_request | handling of requests: 依申请, 答复, review and suits | 答复文书规范性有待提升 |
| timeliness | late or irregular updates | 信息发布时效性有待提高 |
| platform | websites, columns, 政务新媒体, 公开栏, channels and means of disclosure | 政务新媒体运维管理还需加强 |
| staff_training | staffing, skills, training | 政务公开队伍建设有待加强 |
| publicity | awareness, 宣传, guidance of the public | 宣传和引导工作需要进一步加强 |
| public_participation | 公众参与, 互动, 回应关切 | 公众参与渠道不够丰富 |
| mechanisms | rules, procedures, standards, review and assessment | 疑难问题协调处理机制尚需完善 |
| content | depth, breadth and coverage of what is disclosed | 公开内容的深度和广度还有待提升 |
| other | none of the above | |
"""

from __future__ import annotations

import re

from .lexicon import lexicon

# key word stems and weights, per topic: nlp/lexicon.yaml ("topics"), the one place they are written
TOPICS: dict[str, list[tuple[str, float]]] = {t: list(kw.items()) for t, kw in lexicon()["topics"].items()}
ORDER = list(TOPICS)
_RX = {t: [(re.compile(re.escape(k)), w) for k, w in kws] for t, kws in TOPICS.items()}


def topic_of(text: str, context: str = "") -> tuple[str, float]:
    """(topic, share of the key-word weight it got); the item's own words count double its context's."""
    scores: dict[str, float] = {}
    for topic, kws in _RX.items():
        s = 0.0
        for rx, w in kws:
            s += 2 * w * len(rx.findall(text))
            if context:
                s += 0.5 * w * len(rx.findall(context))
        if s:
            scores[topic] = s
    if not scores:
        return "other", 0.0
    best = max(scores, key=lambda t: (scores[t], -ORDER.index(t)))
    return best, round(scores[best] / sum(scores.values()), 3)
