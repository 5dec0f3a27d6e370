"""Chinese for the project catalog (kefu/locale): refusals, model and field names, policy.

Applied by ``make messages`` with the other scripts/zh_*.py tables.
"""

ZH = {
    # The 403 sentence (kefu/org/refusals.py, R-SEC-3)
    "Your role is not allowed to %(what)s.": "您的角色无权%(what)s。",
    "You may %(what)s only for your own department; %(dept)s is outside it.": (
        "您只能在本部门范围内%(what)s；%(dept)s 不在您的部门范围内。"
    ),
    "%(first)s or %(second)s": "“%(first)s”或“%(second)s”",
    "%(first)s, %(rest)s": "“%(first)s”、%(rest)s",
    "Permission code, for the administrator:": "权限代码（供管理员参考）：",
    # Model and field names of org and tickets (the project catalog); the apps' own are in
    # their catalogs (kefu/<app>/locale). tests/core/test_translations.py checks them all.
    "tree path": "层级路径",
    "created at": "创建时间",
    "user": "用户",
    "token prefix": "令牌前缀",
    "key hash": "密钥哈希",
    "last used at": "最近使用时间",
    "parent category": "上级类别",
    "paused in state": "暂停前状态",
    "paused since": "暂停开始时间",
    "callback made by": "回访人",
    "version": "版本",
    "updated at": "更新时间",
    "updated by": "更新人",
    "idempotency key": "幂等键",
    "ticket": "工单",
    "time": "时间",
    "actor": "操作人",
    "event": "事件",
    "state before": "原状态",
    "state after": "新状态",
    "note": "备注",
    "details": "详细数据",
    "handed off by": "移交人",
    "from department": "移出部门",
    "status": "状态",
    "responded by": "响应人",
    "responded at": "响应时间",
    "fee item": "收费项目",
    "quantity": "数量",
    "unit price": "单价",
    "amount": "金额",
    "created by": "创建人",
    "payment method": "支付方式",
    "received at": "收款时间",
    "received by": "收款人",
    "ticket event": "工单事件",
    "ticket events": "工单事件",
    "charge line": "收费明细",
    "charge lines": "收费明细",
    "payment received": "收款记录",
    "payments received": "收款记录",
    # Policy settings (kefu/policy.py, kefu/core/services.policy_set)
    "%(label)s: %(problem)s (you gave “%(value)s”).": "%(label)s：%(problem)s（您填写的是“%(value)s”）。",
    "give a whole number from %(lo)s to %(hi)s": "请填写 %(lo)s 至 %(hi)s 之间的整数",
    "give a number from %(lo)s to %(hi)s": "请填写 %(lo)s 至 %(hi)s 之间的数字",
    "give a whole number of at least %(lo)s": "请填写不小于 %(lo)s 的整数",
    "give a number of at least %(lo)s": "请填写不小于 %(lo)s 的数字",
    "give a whole number of at most %(hi)s": "请填写不大于 %(hi)s 的整数",
    "give a number of at most %(hi)s": "请填写不大于 %(hi)s 的数字",
    "give a whole number": "请填写整数",
    "give a number": "请填写数字",
    "give yes or no": "请填写 yes 或 no",
    "must be %(choices)s": "只能是%(choices)s",
    "list grades from A, B, C, D separated by commas, e.g. A,B": (
        "请填写 A、B、C、D 中的等级，用逗号分隔，例如 A,B"
    ),
    "give a time of day as HH:MM, e.g. 15:00": "请按 HH:MM 填写时间，例如 15:00",
    "give one or more windows like 09:00-12:00,13:30-18:00, each ending after it starts, in "
    "order and not overlapping": (
        "请填写一个或多个时段，例如 09:00-12:00,13:30-18:00；每个时段的结束晚于开始，"
        "按先后排列且互不重叠"
    ),
}
