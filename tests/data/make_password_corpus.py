"""Writes password-corpus.txt: passwords people in Taiwanese clinics might choose.

The corpus user (see tests/browser/test_strength_meter.py) is 陳怡君 / Yi-Jun Chen,
born 1990-03-12 (民國 79 年), national ID A123456789, phone (02)2559-1969#116,
mobile 0912-345-678, e-mail yijun.chen@clinic.example.tw. Deterministic: re-running
gives the same file.
"""

import random
from pathlib import Path

rng = random.Random(20261127)
names = [
    "ChenYiJun",
    "yijun",
    "Chen",
    "WangXiaoMing",
    "LinMeiHua",
    "HuangJianHong",
    "ZhangZhiWei",
    "LiYaTing",
    "WuJiaHao",
    "LiuShuFen",
    "TsaiMingDe",
    "YangPeiShan",
    "HsuChihHao",
    "KuoYuTing",
]
birthdays = ["19900312", "1990-03-12", "0312", "1203", "790312", "0790312", "79/03/12", "1990312"]
ids = ["A123456789", "a123456789", "123456789", "A1234", "F126543217"]
phones = ["0912345678", "0912-345-678", "0225591969", "25591969", "(02)2559-1969", "886912345678"]
walks = [
    "qwerty",
    "qwertyuiop",
    "1qaz2wsx",
    "1qaz@WSX",
    "zaq12wsx",
    "asdfghjkl",
    "zxcvbnm",
    "!QAZ2wsx",
    "1qaz2wsx3edc",
    "qazwsx",
    "147258369",
    "123456789",
    "987654321",
    "abc123",
    "qwe123",
]
common = [
    "password",
    "Password",
    "P@ssw0rd",
    "iloveyou",
    "taiwan",
    "Taipei101",
    "admin",
    "welcome",
    "sunshine",
    "dragon",
    "letmein",
    "hospital",
    "clinic",
    "screening",
    "cancer",
]
words = [
    "bamboo",
    "lantern",
    "harbor",
    "tainan",
    "oolong",
    "typhoon",
    "mango",
    "river",
    "kite",
    "mountain",
    "jade",
    "pearl",
    "temple",
    "night",
    "market",
    "orchid",
    "cloud",
    "ferry",
    "pine",
]
symbols = "~!#^*"

out = set()
for n in names:
    out |= {n, n + "1990", n + "~1990", n + "0312", n + "#79", n.lower() + "123!", n + "*" + "2026"}
for b in birthdays:
    out |= {b, "Aa" + b + "~", "Yijun" + b, b + "Chen!"}
for i in ids:
    out |= {i, i + "~", "Id" + i + "#", i.lower() + "Aa*"}
for p in phones:
    out |= {p, "Tel" + p + "~", p + "Yj!"}
for w in walks:
    out |= {w, w + "~", w.capitalize() + "1~", w + w}
for c in common:
    out |= {c, c.capitalize() + "1!", c.capitalize() + "~2026", c + "123"}
while len(out) < 330:
    k = rng.choice([2, 3, 4])
    picked = [rng.choice(words) for _ in range(k)]
    sep = rng.choice(symbols)
    pw = sep.join(w.capitalize() if rng.random() < 0.5 else w for w in picked) + str(rng.randrange(10, 99))
    out.add(pw)
for length in (70, 120):  # longer than the scorer's cap
    out.add(("Bamboo~Lantern7" * 10)[:length])

# One or more passwords for each rule of the realm's policy beside strength and personal data
# (issue 11: the meter's verdict is the whole policy's): strong apart from the one rule broken.
rules = {
    "length": ["Kq7~xZ9b", "Tainan~7Kite"[:11]],
    "upper case": ["bamboo~lantern~harbor7", "kite#river#pine42"],
    "lower case": ["BAMBOO~LANTERN~HARBOR7", "KITE#RIVER#PINE42"],
    "digit": ["Bamboo~Lantern~Harbor", "Kite#River#Pine"],
    "no symbol": ["BambooLanternHarbor7", "KiteRiverPine42"],
    "symbol outside ~!#^*": [
        "Bamboo@Lantern7harbor",
        "Kite$River9pine",
        "Oolong Typhoon 7x~",
        "Mango-Jade-Pearl7~",
        "Temple.Night.Market7~",
        "Orchid%Cloud7~x",
    ],
    "non-ASCII letters": ["Bambóo~Lantern7x", "竹子Lantern~Harbor7"],
    "e-mail (personal data, symbol)": ["yijun.chen@clinic.example.tw", "Yijun.Chen~Harbor7"],
    "maximum length": [("Kite~River7Pine" * 5)[:65]],
}
for passwords in rules.values():
    out |= set(passwords)

lines = sorted(out)
Path(__file__).with_name("password-corpus.txt").write_text("\n".join(lines) + "\n")
print(len(lines), "passwords")
