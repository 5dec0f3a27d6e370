"""Chinese for the API's input checks: pydantic's errors worded again by type, naming the
field (kefu/core/input_errors.py), and a request body that is not JSON."""

_DATETIME = (
    "%(field)s: give a date and time as YYYY-MM-DDTHH:MM (seconds and an offset such as "
    "+08:00 may follow)."
)

ZH = {
    "%(field)s: this is required.": "%(field)s：此项必填。",
    "%(field)s: there is no such field; leave it out.": "%(field)s：没有这个字段，请去掉。",
    "%(field)s: give an object ({…}).": "%(field)s：应为对象（{…}）。",
    "%(field)s: give a list ([…]).": "%(field)s：应为列表（[…]）。",
    "%(field)s: give a list of plain values.": "%(field)s：应为由简单值组成的列表。",
    "%(field)s: give a text (a string).": "%(field)s：应为文本（字符串）。",
    "%(field)s: the text is not valid Unicode.": "%(field)s：文本不是有效的 Unicode 编码。",
    "%(field)s: the text does not have the form expected (%(pattern)s).": (
        "%(field)s：格式不符合要求（%(pattern)s）。"
    ),
    "%(field)s: use only ASCII letters, digits and signs.": (
        "%(field)s：只能使用 ASCII 字母、数字和符号。"
    ),
    "%(field)s: give true or false.": "%(field)s：应为 true 或 false。",
    "%(field)s: give a whole number.": "%(field)s：应为整数。",
    "%(field)s: give a whole number, without decimals.": "%(field)s：应为整数，不能带小数。",
    "%(field)s: the number is too large.": "%(field)s：数字太大。",
    "%(field)s: give a number.": "%(field)s：应为数字。",
    "%(field)s: give a finite number.": "%(field)s：应为有限的数字。",
    "%(field)s: give a number such as 12.50.": "%(field)s：应为数字，如 12.50。",
    "%(field)s: must be greater than %(gt)s.": "%(field)s：必须大于 %(gt)s。",
    "%(field)s: must be %(ge)s or more.": "%(field)s：不能小于 %(ge)s。",
    "%(field)s: must be less than %(lt)s.": "%(field)s：必须小于 %(lt)s。",
    "%(field)s: must be %(le)s or less.": "%(field)s：不能大于 %(le)s。",
    "%(field)s: must be a multiple of %(multiple_of)s.": (
        "%(field)s：必须是 %(multiple_of)s 的倍数。"
    ),
    "%(field)s: give a date as YYYY-MM-DD.": "%(field)s：应为日期，格式为 YYYY-MM-DD。",
    "%(field)s: give a date as YYYY-MM-DD, without a time of day.": (
        "%(field)s：应为日期，格式为 YYYY-MM-DD，不带时刻。"
    ),
    _DATETIME: (
        "%(field)s：应为日期和时间，格式为 YYYY-MM-DDTHH:MM（后面可加秒和时区，如 +08:00）。"
    ),
    "%(field)s: give a time of day as HH:MM.": "%(field)s：应为时刻，格式为 HH:MM。",
    "%(field)s: this is not valid JSON.": "%(field)s：不是有效的 JSON。",
    "%(field)s: this cannot be empty.": "%(field)s：不能为空。",
    (
        "%(field)s: at least %(min_length)s character.",
        "%(field)s: at least %(min_length)s characters.",
    ): ["%(field)s：至少 %(min_length)s 个字符。"],
    (
        "%(field)s: at most %(max_length)s character.",
        "%(field)s: at most %(max_length)s characters.",
    ): ["%(field)s：最多 %(max_length)s 个字符。"],
    "%(field)s: give at least one item.": "%(field)s：至少填写一项。",
    (
        "%(field)s: give at least %(min_length)s item.",
        "%(field)s: give at least %(min_length)s items.",
    ): ["%(field)s：至少填写 %(min_length)s 项。"],
    (
        "%(field)s: at most %(max_length)s item.",
        "%(field)s: at most %(max_length)s items.",
    ): ["%(field)s：最多 %(max_length)s 项。"],
    (
        "%(field)s: at most %(max_digits)s digit in all.",
        "%(field)s: at most %(max_digits)s digits in all.",
    ): ["%(field)s：最多 %(max_digits)s 位数字。"],
    (
        "%(field)s: at most %(decimal_places)s decimal place.",
        "%(field)s: at most %(decimal_places)s decimal places.",
    ): ["%(field)s：最多 %(decimal_places)s 位小数。"],
    (
        "%(field)s: at most %(whole_digits)s digit before the decimal point.",
        "%(field)s: at most %(whole_digits)s digits before the decimal point.",
    ): ["%(field)s：整数部分最多 %(whole_digits)s 位。"],
    "%(field)s: must be %(choices)s.": "%(field)s：只能是%(choices)s。",
    "%(choices)s, or left empty": "%(choices)s，或留空",
    "(empty)": "（空）",
    "%(field)s: %(message)s": "%(field)s：%(message)s",
    "The request body must be a JSON object ({…}).": "请求正文应为 JSON 对象（{…}）。",
    "The request body is not valid JSON: it goes wrong at line %(line)s, column %(column)s.": (
        "请求正文不是有效的 JSON：第 %(line)s 行第 %(column)s 列有误。"
    ),
    "The request body is not valid JSON: it is not UTF-8 text.": (
        "请求正文不是有效的 JSON：不是 UTF-8 编码的文本。"
    ),
    "The request body is not valid JSON.": "请求正文不是有效的 JSON。",
}
