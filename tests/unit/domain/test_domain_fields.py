"""Field rules of form 1 (附件1): valid and invalid vectors for each."""

from __future__ import annotations

from datetime import date

import pytest

import policies
from sync_service.domain import fields
from sync_service.domain.errors import FieldError
from sync_service.domain.fields import IdKind

# ---------------------------------------------------------------------------
# An independent check-digit computation, written from the published rule and
# not from the domain's code, to vouch for the vectors below.
# Letter values written out as a table (not derived from an order string).
LETTER = {
    "A": 10,
    "B": 11,
    "C": 12,
    "D": 13,
    "E": 14,
    "F": 15,
    "G": 16,
    "H": 17,
    "I": 34,
    "J": 18,
    "K": 19,
    "L": 20,
    "M": 21,
    "N": 22,
    "O": 35,
    "P": 23,
    "Q": 24,
    "R": 25,
    "S": 26,
    "T": 27,
    "U": 28,
    "V": 29,
    "W": 32,
    "X": 30,
    "Y": 31,
    "Z": 33,
}


def check_digit(first_nine: str) -> int:
    """The digit that completes `first_nine` (letter + 8 chars) into a valid number."""
    tens, units = tuple(str(LETTER[first_nine[0]]))
    second = first_nine[1]
    # Old resident format: second letter A–D counts as the last digit of its value.
    second_value = int(str(LETTER[second])[-1]) if second.isalpha() else int(second)
    rest = [second_value] + [int(c) for c in first_nine[2:]]
    total = int(tens) + 9 * int(units) + sum(w * d for w, d in zip([8, 7, 6, 5, 4, 3, 2, 1], rest))
    return (10 - total % 10) % 10


# Each vector was also worked by hand; the sums are in the comments.
VALID_IDS = [
    # A=10: 1·1 + 0·9 + (1·8+2·7+3·6+4·5+5·4+6·3+7·2+8·1=130) + 9 = 140
    ("A123456789", IdKind.NATIONAL_ID),
    # B=11: 1 + 9 + 2·8=16 + 0 + 4 = 30
    ("B200000004", IdKind.NATIONAL_ID),
    # Z=33: 3 + 27 + 8 + (2·7+3·6+4·5+5·4+6·3+7·2+8·1=112) + 0 = 150
    ("Z123456780", IdKind.NATIONAL_ID),
    # new resident certificate, male: A=10: 1 + 0 + 8·8=64 + 1·1 + 4 = 70
    ("A800000014", IdKind.RESIDENT),
    # new resident certificate, female: F=15: 1 + 45 + 9·8=72 + 84 + 8 = 210
    ("F912345678", IdKind.RESIDENT),
    # old resident certificate: A=10 → 1 + 0; second A → 0; zeros; + 9 = 10
    ("AA00000009", IdKind.RESIDENT_OLD),
    # old resident certificate: F=15 → 46; second D → 3·8=24; 84; + 6 = 160
    ("FD12345676", IdKind.RESIDENT_OLD),
]


@pytest.mark.parametrize("value,kind", VALID_IDS)
def test_valid_ids_agree_with_an_independent_computation(value, kind):
    """Covers: R-FORM-1"""
    assert check_digit(value[:9]) == int(value[9])
    parsed = fields.parse_personal_id(value)
    assert parsed.value == value
    assert parsed.kind is kind


@pytest.mark.parametrize(
    "prefix", ["I1" + "2345678", "O2" + "7654321", "W8" + "0000001", "K9" + "9999999", "XC" + "1357913"]
)
def test_generated_ids_are_accepted(prefix):
    """Covers: R-FORM-1"""
    value = prefix + str(check_digit(prefix))
    assert fields.parse_personal_id(value).value == value


@pytest.mark.parametrize("prefix", ["A12345678", "A80000001", "AA0000000", "Z12345678"])
def test_every_wrong_check_digit_is_refused(prefix):
    """Covers: R-FORM-1"""
    good = check_digit(prefix)
    for digit in "0123456789":
        if int(digit) == good:
            continue
        with pytest.raises(FieldError) as e:
            fields.parse_personal_id(prefix + digit)
        assert e.value.code == "national_id.checksum"


@pytest.mark.parametrize(
    "typed,expected",
    [
        (" a123456789 ", "A123456789"),
        ("Ａ１２３４５６７８９", "A123456789"),
        ("a 123 456 789", "A123456789"),
        ("fd12345676", "FD12345676"),
    ],
)
def test_id_is_normalised(typed, expected):
    """Covers: R-FORM-1"""
    assert fields.parse_personal_id(typed).value == expected


@pytest.mark.parametrize(
    "value,code",
    [
        ("", "national_id.required"),
        (None, "national_id.required"),
        ("A323456789", "national_id.format"),  # second digit 3: neither ID nor certificate
        ("A023456789", "national_id.format"),
        ("1234567890", "national_id.format"),
        ("A12345678", "national_id.format"),  # 9 characters
        ("A1234567890", "national_id.format"),  # 11 characters
        ("AE00000000", "national_id.format"),  # old format: second letter only A–D
        ("A12345678X", "national_id.format"),
        ("A123456788", "national_id.checksum"),
        ("A800000015", "national_id.checksum"),
        ("AA00000008", "national_id.checksum"),
        ("AB00000009", "national_id.checksum"),  # B counts 1, not 0
    ],
)
def test_invalid_ids_are_refused_with_a_bilingual_message(value, code):
    """Covers: R-FORM-1"""
    with pytest.raises(FieldError) as e:
        fields.parse_personal_id(value)
    assert e.value.code == code
    assert e.value.field == "national_id"
    assert "身分證字號" in e.value.zh and "National ID" in e.value.en


def test_old_resident_format_expires_after_2030():
    """Covers: R-FORM-1"""
    assert fields.parse_personal_id("AA00000009", today=date(2030, 12, 31)).kind is IdKind.RESIDENT_OLD
    with pytest.raises(FieldError) as e:
        fields.parse_personal_id("AA00000009", today=date(2031, 1, 1))
    assert e.value.code == "national_id.expired_format"
    # new formats are not affected
    assert fields.parse_personal_id("A800000014", today=date(2031, 1, 1)).kind is IdKind.RESIDENT


def test_id_is_masked_for_display():
    """Covers: R-PD-1"""
    assert fields.parse_personal_id("A123456789").masked() == "A12****789"


# ---------------------------------------------------------------------------
# Account names


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("wang1234", "wang1234"),
        ("Chen2024", "chen2024"),  # Keycloak stores usernames lower-case
        ("a1b2c3", "a1b2c3"),  # 6: the shortest
        ("abcdefghij1234567890", "abcdefghij1234567890"),  # 20: the longest
        ("1abcde", "1abcde"),
        (" lin0401 ", "lin0401"),
        ("ｗａｎｇ１２３４", "wang1234"),  # full-width typing
        ("badminton7", "badminton7"),  # "adm" inside is not an ADM account
    ],
)
def test_valid_new_account_names(typed, expected):
    """Covers: R-FORM-3, R-FORM-4"""
    assert fields.parse_new_account_name(typed) == expected


@pytest.mark.parametrize(
    "value,code",
    [
        ("", "account.required"),
        ("abc12", "account.format"),  # 5
        ("abcdefghij12345678901", "account.format"),  # 21
        ("wang_123", "account.format"),
        ("wang.123", "account.format"),
        ("wang 123", "account.format"),
        ("王小明123", "account.format"),
        ("abcdefgh", "account.mixed"),
        ("12345678", "account.mixed"),
        ("ADM0401180014", "account.adm_account"),
        ("adm12345", "account.adm_account"),
        ("Admin2024", "account.adm_account"),
        ("aDm999999", "account.adm_account"),
    ],
)
def test_invalid_new_account_names(value, code):
    """Covers: R-FORM-3, R-FORM-4"""
    with pytest.raises(FieldError) as e:
        fields.parse_new_account_name(value)
    assert e.value.code == code
    assert e.value.zh and e.value.en


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("wang1234", "wang1234"),
        ("WangXM", "wangxm"),
        ("wang.xm@ntuh.gov.tw", "wang.xm@ntuh.gov.tw"),
        ("lin_a-1", "lin_a-1"),
    ],
)
def test_existing_account_names_check_only_shape(typed, expected):
    """Covers: R-FORM-1, R-MGR-4"""
    assert fields.parse_existing_account_name(typed) == expected


@pytest.mark.parametrize(
    "value,code",
    [
        ("", "account.required"),
        ("wang xm", "account.format"),
        ("王小明", "account.format"),
        ("ADM0401180014", "account.adm_account"),
        ("a" * 256, "account.format"),
    ],
)
def test_invalid_existing_account_names(value, code):
    """Covers: R-FORM-1, R-FORM-4"""
    with pytest.raises(FieldError) as e:
        fields.parse_existing_account_name(value)
    assert e.value.code == code


# ---------------------------------------------------------------------------
# Applicant name: a person, not an institution


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("王小明", "王小明"),
        ("王明", "王明"),
        ("歐陽靖", "歐陽靖"),
        ("王 小明", "王小明"),
        ("瓦歷斯·諾幹", "瓦歷斯·諾幹"),
        ("瓦歷斯．諾幹", "瓦歷斯·諾幹"),  # full-width period
        ("撒可努‧亞榮隆", "撒可努·亞榮隆"),  # U+2027, common in Big5-era text
        ("米雪兒・歐巴馬", "米雪兒·歐巴馬"),  # katakana middle dot
        ("林𡘙", "林𡘙"),  # a CJK extension B character, as in household registers
        ("范姜科", "范姜科"),  # 科 is a given-name character, not refused as a suffix
        ("張中山", "張中山"),
        ("Kolas Yotaka", "Kolas Yotaka"),
        ("WANG, HSIAO-MING", "WANG, HSIAO-MING"),
        ("Mary O'Brien", "Mary O'Brien"),
        ("José  García", "José García"),
        ("Li", "Li"),
        ("John F. Kennedy Jr.", "John F. Kennedy Jr."),
    ],
)
def test_person_names_are_accepted(typed, expected):
    """Covers: R-FORM-2"""
    assert fields.parse_person_name(typed) == expected


@pytest.mark.parametrize(
    "value",
    [
        "臺大醫院",
        "國立臺灣大學醫學院附設醫院",
        "仁愛診所",
        "大同區衛生所",
        "聯合醫事檢驗所",
        "健康管理中心",
        "杏一藥局",
        "長安藥房",
        "台北醫學院",
        "癌症希望基金會",
        "資拓宏宇公司",
        "醫師公會",
        "中華民國醫事檢驗師公會全國聯合會",
        "中央研究院",
        "東區檢驗所",
        "臺北市政府衛生局",
        "國民健康署",
        "秘書處",
        "行政室",
        "Taipei City Hospital",
        "ABC Clinic",
        "NTUH Lab",
        "Cancer Foundation",
        "Acme Medical Inc",
    ],
)
def test_institution_names_are_refused(value):
    """Covers: R-FORM-2"""
    with pytest.raises(FieldError) as e:
        fields.parse_person_name(value)
    assert e.value.code == "applicant_name.institution_name"
    assert "不得以機構名稱填寫" in e.value.zh


@pytest.mark.parametrize(
    "value,code",
    [
        ("", "applicant_name.required"),
        ("王", "applicant_name.format"),  # one character
        ("王" * 11, "applicant_name.format"),
        ("王小明1", "applicant_name.format"),
        ("·王小明", "applicant_name.format"),
        ("王小明·", "applicant_name.format"),
        ("王··明", "applicant_name.format"),
        ("王小明 Wang", "applicant_name.format"),  # one script per name
        ("X", "applicant_name.format"),
        ("Wang123", "applicant_name.format"),
        ("wang@ntuh", "applicant_name.format"),
        ("A" * 51, "applicant_name.format"),
    ],
)
def test_malformed_names_are_refused(value, code):
    """Covers: R-FORM-1, R-FORM-2"""
    with pytest.raises(FieldError) as e:
        fields.parse_person_name(value)
    assert e.value.code == code


# ---------------------------------------------------------------------------
# Institution code, department, category, reason


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("0401180014", "0401180014"),
        ("0101090517", "0101090517"),
        ("1101010012", "1101010012"),
        (" ０４０１１８００１４ ", "0401180014"),
    ],
)
def test_valid_institution_codes(typed, expected):
    """Covers: R-FORM-1"""
    assert fields.parse_institution_code(typed) == expected


@pytest.mark.parametrize(
    "value,code",
    [
        ("", "institution_code.required"),
        ("040118001", "institution_code.format"),
        ("04011800145", "institution_code.format"),
        ("04011800A4", "institution_code.format"),
        ("0401-180-014", "institution_code.format"),
        ("٠٤٠١١٨٠٠١٤", "institution_code.format"),  # Arabic-Indic digits are not ours
    ],
)
def test_invalid_institution_codes(value, code):
    """Covers: R-FORM-1"""
    with pytest.raises(FieldError) as e:
        fields.parse_institution_code(value)
    assert e.value.code == code


def test_department_and_institution_name_are_required_and_bounded():
    """Covers: R-FORM-1"""
    assert fields.parse_department("  家庭醫學科  ") == "家庭醫學科"
    assert fields.parse_institution_name("國立臺灣大學醫學院附設醫院") == "國立臺灣大學醫學院附設醫院"
    for parse, field in ((fields.parse_department, "department"), (fields.parse_institution_name, "institution_name")):
        with pytest.raises(FieldError) as e:
            parse("   ")
        assert e.value.code == f"{field}.required"
        with pytest.raises(FieldError) as e:
            parse("科" * 101)
        assert e.value.code == f"{field}.too_long"


def test_category_comes_from_policies():
    """Covers: R-FORM-1, R-CAT-1"""
    known = policies.load().categories
    assert fields.parse_category("CRC-COL", known) == "CRC-COL"
    assert fields.parse_category(" gas-lab ", known) == "GAS-LAB"
    for bad in ("LUNG-COL", ""):
        with pytest.raises(FieldError) as e:
            fields.parse_category(bad, known)
        assert e.value.field == "category"
    with pytest.raises(FieldError) as e:
        fields.parse_category("LUNG-COL", known)
    assert "CRC-COL" in e.value.en and "大腸癌" in e.value.zh


def test_reason_is_required_text():
    """Covers: R-FORM-1"""
    assert fields.parse_reason(" 離職 ") == "離職"
    with pytest.raises(FieldError) as e:
        fields.parse_reason("")
    assert e.value.code == "reason.required"
    with pytest.raises(FieldError) as e:
        fields.parse_reason("因" * 501)
    assert e.value.code == "reason.too_long"


# ---------------------------------------------------------------------------
# Phones


@pytest.mark.parametrize(
    "typed,e164,extension",
    [
        ("(02)2559-1969#116", "+886225591969", "116"),
        ("02-2559-1969轉116", "+886225591969", "116"),
        ("02-2559-1969 轉 116", "+886225591969", "116"),
        ("(02)2559-1969分機116", "+886225591969", "116"),
        ("02 2559 1969 ext. 116", "+886225591969", "116"),
        ("（02）2559-1969＃116", "+886225591969", "116"),  # full-width
        ("0225591969", "+886225591969", None),
        ("+886-2-2559-1969", "+886225591969", None),
        ("0912-345-678", "+886912345678", None),
        ("０９１２－３４５－６７８", "+886912345678", None),
        ("+886 912 345 678", "+886912345678", None),
        ("(07)312-1101", "+88673121101", None),
        ("04-2205-2121#1234", "+886422052121", "1234"),
        ("(037)123456", "+88637123456", None),
        ("(082)312345", "+88682312345", None),
        ("0800-000-123", "+886800000123", None),
    ],
)
def test_taiwanese_phones_are_normalised(typed, e164, extension):
    """Covers: R-FORM-1"""
    phone = fields.parse_phone(typed)
    assert phone.e164 == e164
    assert phone.extension == extension


def test_phone_renders_for_storage_and_for_readers():
    """Covers: R-FORM-1"""
    phone = fields.parse_phone("02-2559-1969轉116")
    assert str(phone) == "+886225591969;ext=116"
    assert phone.national == "02 2559 1969#116"


@pytest.mark.parametrize(
    "value,code",
    [
        ("", "phone.required"),
        ("12345", "phone.invalid"),
        ("0912-345-6789", "phone.invalid"),
        ("091234567", "phone.invalid"),
        ("call me", "phone.invalid"),
        ("0912345678 mobile", "phone.invalid"),
        ("(02)2559-1969#116、117", "phone.extension"),  # two extensions
        ("(02)2559-1969#116#117", "phone.invalid"),
        ("(02)2559-1969#1234567", "phone.extension"),
        ("02-2559-1969#abc", "phone.extension"),
        ("+1 650 253 0000", "phone.not_taiwan"),
        ("+81 3-1234-5678", "phone.not_taiwan"),
    ],
)
def test_invalid_phones_are_refused(value, code):
    """Covers: R-FORM-1"""
    with pytest.raises(FieldError) as e:
        fields.parse_phone(value)
    assert e.value.code == code
    assert e.value.zh and e.value.en


# ---------------------------------------------------------------------------
# E-mail


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("wang.xiaoming@ntuh.gov.tw", "wang.xiaoming@ntuh.gov.tw"),
        (" Chen+screening@Example.COM.TW ", "Chen+screening@example.com.tw"),
        ("a_b-c@mail.cgmh.org.tw", "a_b-c@mail.cgmh.org.tw"),
        ("lin@xn--kpry57d.tw", "lin@xn--kpry57d.tw"),
        ("ｗａｎｇ＠ｎｔｕｈ.ｇｏｖ.ｔｗ", "wang@ntuh.gov.tw"),
        ("x@a.io", "x@a.io"),
    ],
)
def test_valid_emails(typed, expected):
    """Covers: R-FORM-1

    The address's form only: whether it is in use (R-FORM-5) shows when mail reaches it."""
    assert fields.parse_email(typed) == expected


@pytest.mark.parametrize(
    "value",
    [
        "wang",
        "wang@",
        "@ntuh.gov.tw",
        "wang@ntuh",
        "wang@@ntuh.gov.tw",
        "wang xm@ntuh.gov.tw",
        "wang..xm@ntuh.gov.tw",
        ".wang@ntuh.gov.tw",
        "wang.@ntuh.gov.tw",
        "wang@-ntuh.gov.tw",
        "wang@ntuh-.gov.tw",
        "wang@ntuh.gov.t",
        "wang@ntuh.gov.tw.",
        "wang@ntuh..gov.tw",
        "wang@[192.168.0.1]",
        '"wang xm"@ntuh.gov.tw',
        "王小明@ntuh.gov.tw",
        "a" * 65 + "@ntuh.gov.tw",
        "wang@" + "a" * 250 + ".tw",
    ],
)
def test_invalid_emails(value):
    """Covers: R-FORM-1"""
    with pytest.raises(FieldError) as e:
        fields.parse_email(value)
    assert e.value.code == "email.format"


def test_email_is_required():
    """Covers: R-FORM-1"""
    with pytest.raises(FieldError) as e:
        fields.parse_email("  ")
    assert e.value.code == "email.required"


# ---------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("2025-05-01", date(2025, 5, 1)),
        ("2025/5/1", date(2025, 5, 1)),
        ("114/05/01", date(2025, 5, 1)),  # ROC era: 114 + 1911
        ("114.5.1", date(2025, 5, 1)),
        ("79/03/12", date(1990, 3, 12)),
        (date(2025, 5, 1), date(2025, 5, 1)),
    ],
)
def test_dates_in_western_and_roc_forms(typed, expected):
    """Covers: R-FORM-1"""
    assert fields.parse_date(typed, "application_date") == expected


@pytest.mark.parametrize(
    "value", ["2025-02-30", "2025-13-01", "01/05/2025", "20250501", "1140501", "yesterday", "2025-05-01T10:00"]
)
def test_invalid_dates(value):
    """Covers: R-FORM-1"""
    with pytest.raises(FieldError) as e:
        fields.parse_date(value, "application_date", "申請日期", "Application date")
    assert e.value.code == "application_date.format"
    assert "申請日期" in e.value.zh


def test_application_date_not_after_today():
    """Covers: R-FORM-1"""
    today = date(2025, 5, 1)
    assert fields.parse_application_date("2025-05-01", today) == today
    assert fields.parse_application_date("114/04/30", today) == date(2025, 4, 30)
    with pytest.raises(FieldError) as e:
        fields.parse_application_date("2025-05-02", today)
    assert e.value.code == "application_date.future"
    with pytest.raises(FieldError) as e:
        fields.parse_application_date("", today)
    assert e.value.code == "application_date.required"


def test_effective_date_of_a_revoke():
    """Covers: R-MGR-6"""
    applied = date(2025, 5, 1)
    assert fields.parse_effective_date("2025-05-16", applied) == date(2025, 5, 16)
    # already left: allowed, the revoke then happens at once
    assert fields.parse_effective_date("2025-04-20", applied) == date(2025, 4, 20)
    assert fields.parse_effective_date("2026-05-02", applied) == date(2026, 5, 2)  # 366 days
    with pytest.raises(FieldError) as e:
        fields.parse_effective_date("2026-05-03", applied)
    assert e.value.code == "effective_date.too_far"
    with pytest.raises(FieldError) as e:
        fields.parse_effective_date("5/16", applied)
    assert e.value.code == "effective_date.format"


def test_field_error_serialises_for_clients():
    """Covers: R-FORM-1"""
    with pytest.raises(FieldError) as e:
        fields.parse_institution_code("123")
    assert e.value.as_dict() == {
        "field": "institution_code",
        "code": "institution_code.format",
        "zh": "醫事機構代碼應為 10 位數字",
        "en": "The medical institution code has exactly 10 digits",
    }


@pytest.mark.parametrize("value,kind", VALID_IDS)
def test_the_check_digit_completes_a_valid_number(value, kind):
    """Covers: R-FORM-1"""
    if kind is not IdKind.RESIDENT_OLD:
        assert fields.id_check_digit(value[:9]) == value[9]
