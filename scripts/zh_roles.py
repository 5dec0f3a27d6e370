"""Chinese of the project catalog for the endpoint table's gate (issue 10, Roles; R-SEC-3)."""

ZH = {
    # kefu/core/access.py
    "This page or operation is not open to anyone yet.": "此页面或操作尚未对任何人开放。",
    " or ": "或",
}
