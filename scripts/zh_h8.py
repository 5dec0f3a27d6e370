"""Chinese of the project catalog (kefu/locale) for the fixes found walking the pages as
users (helper h8): one callback per complaint (R-TIC-7, R-FUP-2), issues raised during a
callback (R-TIC-4), links shown only to who may open them. msgid -> msgstr."""

ZH = {
    "The callback of %(number)s was already recorded by %(who)s at %(when)s "
    "(satisfaction %(s)s/5); it is not recorded twice.": (
        "%(number)s 的回访已由 %(who)s 于 %(when)s 登记（满意度 %(s)s/5），不会重复登记。"
    ),
    "Give a satisfaction score only when the customer was reached.": (
        "只有联系上客户时才能填写满意度。"
    ),
    "callback recorded, ready to close": "已回访，待关闭",
    "Raised during": "提出于",
    "Raised by the customer during the callback of %(number)s.": (
        "客户在 %(number)s 的回访中提出（不计为重复来电）。"
    ),
    "During the callback the customer raised a new issue: %(number)s.": (
        "回访中客户提出了新问题：%(number)s（不计为重复来电）。"
    ),
    "Raised by the customer during a follow-up contact (%(kind)s).": (
        "客户在回访联系（%(kind)s）中提出。"
    ),
}
