#!/usr/bin/env python3
"""Writes tests/SentimentWatch.Core.Tests/Privacy/redaction-eval.tsv: the labelled set the redaction
evaluation reads (docs/privacy.md). Deterministic (seed 17). Columns: kind, secret, text.
kind is email/phone/id-number/card/address/name for positives (secret = what must disappear),
or negative:<what> for look-alikes that must be kept unchanged (secret empty).
Run: python3 tools/redaction-eval.py"""
import random, os
r = random.Random(17)
FW = {c: chr(ord(c) + 0xFEE0) for c in "0123456789@.+-()"}
def fullwidth(s): return "".join(FW.get(c, c) for c in s)
rows = []
def pos(kind, secret, template):
    rows.append((kind, secret, template.format(secret)))
def neg(what, text):
    rows.append(("negative:" + what, "", text))

zh_ctx = ["联系我{}谢谢", "手机：{}。", "电话 {} 随时打", "有问题打{}", "我的号码是{}，请回电", "Call me at {} please", "reach me on {} asap", "{}"]
# --- phones
def mobile():
    return "1" + r.choice("3456789") + "".join(r.choice("0123456789") for _ in range(9))
def fmt_mobile(m):
    f = r.randrange(9)
    return [m, f"{m[:3]} {m[3:7]} {m[7:]}", f"{m[:3]}-{m[3:7]}-{m[7:]}", f"+86 {m}", f"+86-{m[:3]}-{m[3:7]}-{m[7:]}",
            f"0086{m}", f"(+86) {m[:3]} {m[3:7]} {m[7:]}", f"{m[:3]}.{m[3:7]}.{m[7:]}", f"+86{m}"][f]
for i in range(70):
    s = fmt_mobile(mobile())
    if i % 5 == 0: s = fullwidth(s)
    pos("phone", s, r.choice(zh_ctx))
intl = lambda: r.choice([
    f"+44 20 {r.randint(7000,7999)} {r.randint(1000,9999)}", f"+44 7{r.randint(100,999)} {r.randint(100000,999999)}",
    f"+49 30 {r.randint(1000000,9999999)}", f"+49-30-{r.randint(100000,999999)}", f"+33 1 {r.randint(10,99)} {r.randint(10,99)} {r.randint(10,99)} {r.randint(10,99)}",
    f"+33.1.{r.randint(10,99)}.{r.randint(10,99)}.{r.randint(10,99)}.{r.randint(10,99)}", f"+1 (415) 555-{r.randint(1000,9999)}",
    f"+1 212 555 {r.randint(1000,9999)}", f"+852 {r.randint(5000,9999)} {r.randint(1000,9999)}", f"+81 3-{r.randint(1000,9999)}-{r.randint(1000,9999)}",
    f"+61 2 {r.randint(1000,9999)} {r.randint(1000,9999)}", f"+65 {r.randint(6000,9999)} {r.randint(1000,9999)}", f"+886 2 {r.randint(1000,9999)} {r.randint(1000,9999)}"])
for i in range(45):
    s = intl()
    if i % 6 == 0: s = fullwidth(s)
    pos("phone", s, r.choice(zh_ctx))
na = lambda: r.choice([f"(415) 555-{r.randint(1000,9999)}", f"212-555-{r.randint(1000,9999)}", f"646.555.{r.randint(1000,9999)}"])
for i in range(15): pos("phone", na(), r.choice(zh_ctx))
land = lambda: r.choice([f"010-{r.randint(10000000,99999999)}", f"0755-{r.randint(1000000,9999999)}", f"(021){r.randint(10000000,99999999)}",
                         f"0571 {r.randint(1000,9999)} {r.randint(1000,9999)}", f"020 {r.randint(7000,7999)} {r.randint(1000,9999)}", f"(020) 8{r.randint(1000000,9999999)}"])
for i in range(25):
    s = land()
    if i % 5 == 0: s = fullwidth(s)
    pos("phone", s, r.choice(["座机{}找我", "office line {} thanks", "打{}转人工", "家里电话：{}"]))

# --- e-mails
locals_ = ["zhang.san", "li_si", "wang+shop", "jane.doe", "mike-88", "小明", "用户一", "josé.garcía", "müller", "почта", "zs", "a.b.c", "yuki.tanaka", "陈晨chen"]
domains = ["example.com", "qq.com", "163.com", "example.com.cn", "mail.example.org", "例子.中国", "пример.рф", "gmail.com", "company.co.uk", "outlook.com"]
for i in range(110):
    s = f"{r.choice(locals_)}{r.choice(['', str(r.randint(1,999))])}@{r.choice(domains)}"
    if i % 7 == 0: s = fullwidth(s)
    pos("email", s, r.choice(["邮箱{}谢谢", "发邮件到 {} 吧", "email me: {}", "my address is {}.", "联系：{}", "({})", "{}"]))

# --- ID numbers
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
PROV = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65]
def cnid(valid=True):
    body = f"{r.choice(PROV)}{r.randint(1000,9999)}{r.randint(1950,2010)}{r.randint(1,12):02d}{r.randint(1,28):02d}{r.randint(0,999):03d}"
    c = "10X98765432"[sum(int(body[i]) * W[i] for i in range(17)) % 11]
    return body + c
for i in range(110):
    idn = cnid()
    f = i % 6
    s = [idn, " ".join([idn[:6], idn[6:14], idn[14:]]), " ".join(idn[j:j+4] for j in range(0, 18, 4)), idn.lower(), fullwidth(idn), f"{idn[:6]}-{idn[6:14]}-{idn[14:]}"][f]
    pos("id-number", s, r.choice(["身份证{}已提交", "身份证号：{}", "ID {} attached", "证件号码 {} 请核对", "{}"]))
for i in range(25):
    old = f"{r.choice(PROV)}{r.randint(1000,9999)}{r.randint(50,99)}{r.randint(1,12):02d}{r.randint(1,28):02d}{r.randint(0,999):03d}"
    pos("id-number", old, r.choice(["老身份证{}还能用吗", "旧证号 {}", "old ID {}"]))

# --- cards
def luhn_digit(partial):
    s = 0
    for i, d in enumerate(reversed(partial)):
        d = int(d)
        if i % 2 == 0:
            d *= 2
            if d > 9: d -= 9
        s += d
    return str((10 - s % 10) % 10)
def card(n, valid=True):
    prefix = r.choice(["4", "51", "52", "55", "62", "622", "6222", "35", "37", "2221", "2720", "60"])
    if n != 16 and prefix in ("2221", "2720"): prefix = "62"  # Mastercard 2-series is 16 digits only
    if n == 15: prefix = r.choice(["34", "37"])
    if n == 14: prefix = r.choice(["36", "38"])
    if n == 13: prefix = "4"
    body = prefix + "".join(r.choice("0123456789") for _ in range(n - len(prefix) - 1))
    d = luhn_digit(body)
    if not valid: d = str((int(d) + 1 + r.randint(0, 8)) % 10)
    return body + d
def spaced(c):
    f = r.randrange(4)
    return [c, " ".join(c[j:j+4] for j in range(0, len(c), 4)), "-".join(c[j:j+4] for j in range(0, len(c), 4)), c][f]
for i in range(120):
    n = r.choice([16, 16, 16, 19, 18, 17, 15, 14, 13])
    valid = True if n < 16 else (i % 3 != 0)
    s = spaced(card(n, valid))
    if i % 8 == 0: s = fullwidth(s)
    pos("card", s, r.choice(["卡号 {} 被盗刷", "银行卡{}扣了两次", "card {} charged twice", "my card number is {}", "信用卡：{}"]))

# --- addresses (opt-in)
roads = ["漕溪北", "中山", "人民", "建国", "解放", "南京西", "淮海中", "长安", "科技园南", "滨江"]
cities = ["上海市徐汇区", "北京市朝阳区", "广州市天河区", "深圳市南山区", "杭州市西湖区", "", "浙江省杭州市余杭区", "成都市武侯区"]
for i in range(70):
    s = f"{r.choice(cities)}{r.choice(roads)}{r.choice(['路', '街', '大道'])}{r.randint(1,999)}号" + r.choice(["", f"{r.randint(1,30)}栋{r.randint(101,2505)}室", f"{r.randint(1,9)}单元{r.randint(101,2505)}室", f"{r.randint(1,20)}楼"])
    pos("address", s, r.choice(["我住在{}，快递一直不到", "地址：{}", "寄到{}就行", "收货地址{}"]))
streets = ["Baker", "Main", "Oak", "Pennsylvania", "Elm", "Maple", "High", "Church", "Park", "Sunset"]
for i in range(40):
    s = f"{r.randint(1,9999)} {r.choice(streets)} {r.choice(['Street', 'St', 'Road', 'Avenue', 'Ave', 'Lane', 'Drive', 'Blvd'])}" + r.choice(["", ", Apt 4", ", Suite 210", " NW"])
    pos("address", s, r.choice(["I live at {} and nothing arrived", "ship to {}", "address: {}", "deliver it to {} please"]))

# --- names (opt-in)
sur = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭"
given = ["", "", "建国", "丽", "伟", "秀英", "小"]
for i in range(60):
    s = r.choice(sur) + r.choice(given) + r.choice(["先生", "女士", "小姐"])
    pos("name", s, r.choice(["{}您好，退款已处理", "客服说{}会回电", "感谢{}的反馈", "{}投诉了三次"]))
for i in range(40):
    s = f"{r.choice(['Mr', 'Mrs', 'Ms', 'Dr', 'Mr.', 'Ms.'])} {r.choice(['Smith', 'Johnson', 'Chen', 'Garcia', 'Miller', 'Wang', 'Brown', 'Davis'])}" + r.choice(["", " Jr"])
    pos("name", s.replace(" Jr", ""), r.choice(["{} called about the refund", "Dear {}, sorry", "spoke to {} yesterday"]))

# --- negatives: look-alikes
for i in range(80):
    d = f"2026{r.randint(1,12):02d}{r.randint(1,28):02d}" + "".join(r.choice("0123456789") for _ in range(r.choice([6, 8, 10])))
    neg("order-number", r.choice(["订单号 {} 还没发货", "order #{} never shipped", "订单{}退款中", "单号：{}"]).format(d))
for i in range(50):
    d = str(r.randint(3, 6)) + "".join(r.choice("0123456789") for _ in range(r.choice([15, 17])))
    neg("order-number-card-like", r.choice(["订单号 {} 还没发货", "order #{} never shipped", "交易流水 {}", "物流单号：{}"]).format(d))
for i in range(60):
    neg("price", r.choice(["价格 ¥{}.00，原价 {} 元", "price ${}.99 for {} units", "花了{}块，优惠{}", "{} RMB, was {}"]).format(r.randint(1, 99999), r.randint(1, 9999)))
for i in range(60):
    neg("date", r.choice(["{}-{:02d}-{:02d} 14:30 下单", "{}年{}月{}日到货", "{:02d}/{:02d}/{} at 10:30", "{}.{:02d}.{:02d}"]).format(*[r.randint(2000, 2026), r.randint(1, 12), r.randint(1, 28)]) if True else "")
for i in range(50):
    neg("version", r.choice(["版本 v{}.{}.{}", "app {}.{}.{} crashes", "iOS {}.{}.{} 闪退", "build {}.{}.{}.1024"]).format(r.randint(1, 20), r.randint(0, 20), r.randint(0, 99)))
for i in range(60):
    neg("tracking", r.choice(["运单号 SF{}", "tracking 1Z{}", "快递单号 YT{}", "JD{} 还在路上"]).format("".join(r.choice("0123456789") for _ in range(r.choice([12, 13, 15])))))
for i in range(40):
    neg("hotline", r.choice(["客服热线 400-{}-{}", "call 800-{}-{}", "热线 400 {} {}"]).format(r.randint(100, 999), r.randint(1000, 9999)))
for i in range(30):
    neg("time", f"{r.randint(0,23):02d}:{r.randint(0,59):02d}:{r.randint(0,59):02d} 到 {r.randint(0,23):02d}:{r.randint(0,59):02d} 一直排队")
for i in range(30):
    neg("model-number", r.choice(["型号 A{}-{}", "SKU {}-{}-{}", "part no. {}-{}"]).format(r.randint(1000, 9999), r.randint(1000, 9999), r.randint(10, 99)))
for i in range(30):
    neg("quantity", f"排了{r.randint(10, 300)}分钟，{r.randint(2, 40)}个人，{r.randint(100, 99999)}积分没了")
for i in range(30):
    neg("id-like-bad-date", f"会员号 {r.choice(PROV)}{r.randint(1000,9999)}{r.randint(1950,2010)}{r.randint(13,19)}{r.randint(1,28):02d}{r.randint(0,999):03d}{r.randint(0,9)}")
for i in range(20):
    neg("social-handle", r.choice(["@绿莫咖啡 回复一下", "@lumo_coffee why", "转发 @小王 看看", "#绿莫退款# 话题"]))
for i in range(20):
    neg("url", r.choice(["https://example.com/p/{}", "见 http://bbs.example.cn/thread-{}-1-1.html"]).format(r.randint(1000, 99999999)))
for i in range(20):
    neg("address-like", r.choice(["中山路的店很好", "人民路那家关门了", "Main Street store was closed", "第{}号窗口".format(r.randint(1, 30))]))
for i in range(20):
    neg("name-like", r.choice(["各位先生女士", "Dr Pepper is my favourite", "Mr Bean movie", "先生说好的", "女士专用"]))

out = os.path.join(os.path.dirname(__file__), "..", "tests", "SentimentWatch.Core.Tests", "Privacy", "redaction-eval.tsv")
with open(out, "w", encoding="utf-8") as f:
    f.write("# generated by tools/redaction-eval.py (seed 17); kind\tsecret\ttext\n")
    for k, s, t in rows:
        assert "\t" not in t and "\n" not in t
        f.write(f"{k}\t{s}\t{t}\n")
print(len([x for x in rows if not x[0].startswith("negative")]), "positives,", len([x for x in rows if x[0].startswith("negative")]), "negatives")
