"""Chinese for the strings of the speed work (issue 9): scorecard caching."""

ZH = {
    "Live KPI scorecards are recomputed at most this often (0: on every view)": (
        "实时考核计分卡最短重算间隔（0：每次查看都重算）"
    ),
    "Computed at %(at)s from the records then; figures are recomputed at most every "
    "%(cache_seconds)s seconds.": "数据计算于 %(at)s，最多每 %(cache_seconds)s 秒重算一次。",
    "Recompute now": "立即重算",
    # The customer page's timeline, a page at a time.
    "Earlier lines": "更早的记录",
    "Timeline of %(name)s": "%(name)s的客户动态",
    "Back to the customer": "返回客户页",
    "No earlier lines.": "没有更早的记录。",
}
