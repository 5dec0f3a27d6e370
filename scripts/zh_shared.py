"""Chinese for strings that apps placed in shared modules (navigation, permissions, policy)."""

ZH = {
    "Follow-ups": "回访",
    "Overdue callbacks": "逾期回访",
    "Satisfaction surveys": "满意度调查",
    "Mystery customers": "神秘客户",
    "see callbacks and follow-up tasks": "查看回访及跟进任务",
    "record the result of a callback or follow-up contact": "登记回访或跟进结果",
    "generate callback plans and see overdue callbacks": "生成回访计划并查看逾期回访",
    "open the December demand campaign and export it": "开展十二月新需求征集活动并导出",
    "build satisfaction surveys": "设计满意度调查",
    "send survey links to customers": "向客户发送调查链接",
    "fill in a survey with a customer on the phone": "电话中与客户一起填写调查",
    "see survey results and their trend": "查看调查结果及趋势",
    "run mystery customer programmes": "组织神秘客户活动",
    "Callback plans: tasks are generated this far ahead (and caught up this far back)": "回访计划：提前生成（及补生成）任务的期限",
    "An unreached callback is tried again after": "未联系上的回访再次尝试的间隔",
    "Attempts to reach a customer for one callback": "每次回访尝试联系客户的次数",
    "attempts": "次",
    "A resolved complaint is called back within": "投诉办结后回访的期限",
    "A survey or observation link expires after": "调查或观察链接的有效期",
    "December demand campaign: customer grades contacted": "十二月新需求征集：联系的客户等级",
}
