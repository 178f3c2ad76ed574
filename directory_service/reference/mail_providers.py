"""Personal (non-government) mail services: addresses there are kept but flagged."""

PERSONAL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.com.vn",
        "ymail.com",
        "rocketmail.com",
        "hotmail.com",
        "outlook.com",
        "outlook.com.vn",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "protonmail.com",
        "proton.me",
        "zoho.com",
        "gmx.com",
        "mail.ru",
        "yandex.com",
        "qq.com",
        "163.com",
        "vnn.vn",  # VNPT's consumer mail, also under hn.vnn.vn, hcm.vnn.vn, ...
        "fpt.vn",  # FPT's consumer mail (hn.fpt.vn, ...)
    }
)
PERSONAL_PARENTS = ("vnn.vn", "fpt.vn")
