"""Chinese of the project catalog for the reliability work (issue 10: faults and time)."""

ZH = {
    "Service unavailable": "服务暂不可用",
    "The database cannot be reached just now. Try again in a moment.": (
        "暂时无法连接数据库，请稍后再试。"
    ),
}
