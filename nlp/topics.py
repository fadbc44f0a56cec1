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

TOPICS: dict[str, list[tuple[str, float]]] = {
    "policy_interpretation": [("解读", 3.0), ("图解", 2.0), ("政策宣传", 1.0), ("通俗", 2.0), ("可读", 2.0),
                              ("看不懂", 2.0)],
    "on_request": [("依申请", 3.0), ("申请件", 2.0), ("答复", 2.0), ("申请人", 2.0), ("复议", 2.0), ("诉讼", 2.0),
                   ("办理流程", 1.0), ("申请", 1.0), ("典型案例", 1.5)],
    "timeliness": [("时效", 3.0), ("及时", 2.0), ("滞后", 1.5), ("更新慢", 2.0), ("更新不", 2.0), ("时间", 1.0),
                   ("时限", 2.0), ("超期", 2.0), ("逾期", 2.0),
                   ("周期", 2.0), ("按月", 1.0), ("按季", 1.0), ("季度", 1.0), ("每月", 1.0)],
    "platform": [("新媒体", 3.0), ("网站", 2.5), ("平台", 2.0), ("栏目", 2.0), ("专栏", 2.0), ("公众号", 2.0),
                 ("网络", 1.5), ("公开栏", 2.0), ("政务服务", 1.0), ("集约化", 2.0), ("手段", 1.5), ("渠道", 1.5),
                 ("文件库", 2.5), ("专区", 2.0), ("载体", 2.0), ("推送", 1.5),
                 ("形式", 1.0), ("方式", 1.0), ("微信", 2.0), ("广播", 1.5), ("张贴", 1.5), ("热线", 1.5)],
    "staff_training": [("队伍", 3.0), ("培训", 3.0), ("人员", 2.0), ("业务能力", 2.0), ("能力", 1.0), ("兼职", 2.0),
                       ("学习", 1.0), ("素质", 2.0), ("跟班", 2.0), ("传帮带", 2.0), ("研判", 1.0),
                       ("力量", 2.0), ("配备", 1.5), ("专干", 2.0), ("专员", 1.5)],
    "publicity": [("宣传", 2.5), ("宣讲", 2.5), ("引导", 1.5), ("知晓", 2.0), ("意识", 1.0)],
    "public_participation": [("公众参与", 3.0), ("参与", 2.0), ("互动", 2.5), ("回应", 2.0), ("关切", 2.0),
                             ("建言", 2.0), ("政民", 2.0), ("意见", 1.0), ("需求", 0.5),
                             ("征求意见", 2.0), ("预公开", 2.0), ("听证", 2.0)],
    "mechanisms": [("机制", 2.5), ("制度", 2.5), ("规范", 1.5), ("流程", 1.5), ("标准化", 2.0), ("考核", 2.0),
                   ("监督", 1.5), ("审核", 1.5), ("审查", 1.5), ("目录", 1.5), ("指南", 1.5), ("长效", 1.5),
                   ("协调", 1.0), ("领导", 1.0), ("督查", 1.5), ("清单", 1.5), ("台账", 1.5), ("对照表", 1.5),
                   ("检查", 1.5), ("指导", 1.0), ("通报", 1.5), ("评估", 1.5), ("报送", 1.5)],
    "content": [("内容", 2.0), ("深度", 2.0), ("广度", 2.0), ("领域", 1.5), ("覆盖", 1.5), ("全面", 1.0),
                ("充实", 1.5), ("主动公开", 1.5), ("公开力度", 2.0), ("公开范围", 2.0), ("重点", 1.0), ("深化", 0.5),
                ("落实情况", 1.5), ("结果", 1.0), ("细致", 1.5), ("准确", 1.5), ("完整", 1.5), ("明细", 1.5),
                ("数量", 1.5), ("财政", 1.5), ("资金", 1.5), ("细化", 1.0), ("主动性", 2.0),
                ("进展", 1.0), ("系统性", 1.5), ("不够系统", 1.5), ("不主动", 2.0)],
}
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
