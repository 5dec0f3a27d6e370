"""Chinese of the project catalog for web security: two-factor sign-in, upload checks and
the messages that go with them (issue 10)."""

ZH = {
    # kefu/org/twofactor.py and registration/two_factor.html
    "Two-factor sign-in": "双重验证登录",
    "Confirm the sign-in with the code of your authenticator app first.": "请先用身份验证器应用中的验证码确认本次登录。",
    "Too many wrong codes. Wait a minute, then type the newest code.": "验证码错误次数过多。请等待一分钟后输入最新的验证码。",
    "Type the 6 digits your authenticator app shows now.": "请输入身份验证器应用当前显示的 6 位数字。",
    "The code is not right. Type the newest code your app shows.": "验证码不正确。请输入应用中显示的最新验证码。",
    "authenticator app enrolled and sign-in confirmed": "已绑定身份验证器应用并确认登录",
    "sign-in confirmed with the authenticator app": "已用身份验证器应用确认登录",
    "Your authenticator app is set up.": "身份验证器应用已绑定。",
    "Scan with your app": "用身份验证器应用扫描",
    "Your role needs a second step at every sign-in. Add Kefu to an authenticator app on your phone (for example Microsoft Authenticator, Google Authenticator or FreeOTP): scan the code, or type the secret key.": "您的角色每次登录都需要第二步验证。请在手机的身份验证器应用（例如 Microsoft Authenticator、Google Authenticator 或 FreeOTP）中添加客服系统：扫描二维码，或输入密钥。",
    "Secret key": "密钥",
    "Address for the app": "应用绑定地址",
    "This key is shown only until your first code is accepted. Keep it secret.": "此密钥仅在第一次验证码通过前显示。请妥善保密。",
    "Type the 6-digit code your authenticator app shows for Kefu.": "请输入身份验证器应用中客服系统的 6 位验证码。",
    "Code from the app": "应用中的验证码",
    "Confirm": "确认",
    # kefu/core/uploads.py
    "File too large": "文件过大",
    "Only these files are accepted: %(t)s.": "只接受以下文件：%(t)s。",
    "The file is empty.": "文件为空。",
    "The file is %(size)s MB; at most %(max)s MB is accepted.": "文件大小为 %(size)s MB，最多接受 %(max)s MB。",
    "a text file": "文本文件",
    "the file": "该文件",
    "The content of %(name)s is not %(what)s; choose the right file.": "%(name)s 的内容不是 %(what)s，请选择正确的文件。",
}
