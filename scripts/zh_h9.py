"""Chinese of the project catalog for the reviewer's walk-through fixes (h9): model names,
not-found messages, error pages, the policy page's choices."""

ZH = {
    # kefu/core/models.py
    "worker heartbeat": "后台任务心跳",
    "worker heartbeats": "后台任务心跳",
    "process id": "进程号",
    "changed by": "修改人",
    "recipient": "接收人",
    "link": "链接",
    "created at": "创建时间",
    "read at": "阅读时间",
    "notification": "通知",
    "notifications": "通知",
    # kefu/errors.py get_or_404
    "There is no %(what)s numbered %(number)s.": "没有编号为 %(number)s 的%(what)s。",
    "That %(what)s cannot be found.": "找不到该%(what)s。",
    # 404.html, 403.html, 500.html, 403_csrf.html
    "Page not found": "页面不存在",
    "There is no page at this address. It may have been moved, or the link may be mistyped.": (
        "此地址没有页面，可能已被移动，或链接有误。"
    ),
    "No access to this page": "无权访问此页面",
    "You do not have permission to open this page. If you need it, ask your supervisor or a system administrator.": (
        "您没有打开此页面的权限。如确需使用，请联系您的主管或系统管理员。"
    ),
    "Server error": "服务器出错",
    "Something went wrong on our side. Try again in a moment; if it keeps happening, tell a system administrator the time it happened.": (
        "系统内部出错。请稍后重试；如果问题持续出现，请把出错的时间告诉系统管理员。"
    ),
    "The form has expired": "表单已过期",
    "The page was open too long or you signed in again elsewhere, so this form could not be accepted. Go back, reload the page and send it again.": (
        "页面打开时间过长，或您已在别处重新登录，因此无法接受此表单。请返回、刷新页面后重新提交。"
    ),
    # kefu/core/views.py: the policy page's allowed words
    "refuse (error)": "拒绝（报错）",
    "count Monday to Friday as workdays": "按周一至周五为工作日计算",
    "all offered calls": "全部呼入来电",
    "offered calls minus short abandons": "呼入来电减去短时放弃",
    "answered calls only": "仅已接听来电",
}
