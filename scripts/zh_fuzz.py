"""Chinese of the project catalog for the fuzzed API's problem bodies (issue 10)."""

ZH = {
    "A value cannot be stored: a number is out of range, or a text contains a NUL character.": "无法保存该值：数字超出范围，或文本中含有空字符（NUL）。",
    "The change conflicts with data already stored. Reload and try again.": "该修改与已保存的数据冲突，请刷新后重试。",
}
