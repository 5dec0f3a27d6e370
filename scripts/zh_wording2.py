"""Chinese for the choice settings' refusals and the work calendar's messages (R-TIC-6,
R-CC-5): kefu/policy.py, kefu/core/wording.py, kefu/core/workcalendar.py (project catalog)."""

ZH = {
    # kefu/policy.py: the label of a choice of calendar.unknown_year_rule
    "refuse until the year is entered": "拒绝计算，须先录入该年",
    # kefu/core/wording.py one_of(): 只能是“拒绝计算，须先录入该年”（error）或“……”（weekdays）
    "%(label)s (%(code)s)": "“%(label)s”（%(code)s）",
    "%(choice)s or %(other)s": "%(choice)s或%(other)s",
    "%(choice)s, %(others)s": "%(choice)s、%(others)s",
    # kefu/policy.py: malformed business hours, what is wrong and then what is wanted
    "%(problem)s; %(rule)s": "%(problem)s；%(rule)s",
    # kefu/core/workcalendar.py
    "The holidays and make-up workdays of %(year)s are not known: enter the list of "
    "%(year)s in the work calendar (settings) before counting business time in it.": (
        "%(year)s 年的节假日和调休上班日尚未录入：请先在工作日历（设置）中录入 %(year)s "
        "年的安排，再按工作时间计算时限。"
    ),
    "there is no window": "没有填写任何时段",
    "%(start)s-%(end)s does not end after it starts": (
        "时段 %(start)s-%(end)s 的结束时间不晚于开始时间"
    ),
    "%(start)s-%(end)s starts before the window ahead of it ends": (
        "时段 %(start)s-%(end)s 在前一时段结束之前就开始了"
    ),
    "“%(part)s” is not a window like 09:00-12:00": "“%(part)s”不是 09:00-12:00 这样的时段",
    "The rule for years nobody entered must be %(choices)s, not “%(value)s”.": (
        "未录入年份的处理规则只能是%(choices)s，而不是“%(value)s”。"
    ),
    "There is no business time within ten years: check the holidays entered in the work "
    "calendar.": "十年内没有任何工作时间：请检查工作日历中录入的节假日。",
}
