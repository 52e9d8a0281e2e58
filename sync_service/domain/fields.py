"""Field rules of form 1 (帳號/權限異動表, 附件1), each a `parse_*` function.

Every function takes what a person typed and returns the normalised value, or
raises `FieldError` with a message in zh-Hant and English. Input is first put
through NFKC because Taiwanese keyboards readily produce full-width forms
(Ａ１２３, （02）, ＠) that mean the same as their ASCII twins.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import phonenumbers

import policies

from .errors import FieldError

# Characters nobody means to type into a form: controls (NUL, BEL...), format
# characters (right-to-left overrides, zero-width spaces, the BOM), lone UTF-16
# surrogates and private use. They hide or reorder what a reviewer reads, or
# break the database, so they are refused (not silently dropped).
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co"})
_ORDINARY_WHITESPACE = frozenset("\t\n\r")
# The start of an HTML tag, comment or processing instruction: free text is
# shown on pages and in mails, and is text, never markup.
_MARKUP = re.compile(r"<\s*[A-Za-z!/?]")


def clean(value: object, field: str = "text") -> str:
    if value is None:
        return ""
    text = str(value)
    for char in text:
        if unicodedata.category(char) in _HIDDEN_CATEGORIES and char not in _ORDINARY_WHITESPACE:
            raise FieldError(
                f"{field}.hidden_character",
                field,
                f"含有看不見的控制或格式字元（U+{ord(char):04X}），請刪除後重新輸入",
                f"Contains an invisible control or format character (U+{ord(char):04X}); remove it and type again",
            )
    return unicodedata.normalize("NFKC", text).strip()


def refuse_markup(text: str, field: str) -> str:
    if _MARKUP.search(text):
        raise FieldError(
            f"{field}.markup",
            field,
            "請以純文字填寫，不可包含 HTML 標籤（如 <script>）",
            "Plain text only: HTML tags (such as <script>) are not accepted",
        )
    return text


_HAN_THEN_LATIN = re.compile(r"(?<=[\u4e00-\u9fff])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[\u4e00-\u9fff])")


def zh_spaced(text: str) -> str:
    """Chinese text with a space wherever Han characters meet Latin letters or digits, as the
    agency writes it (「請填寫 E-mail 信箱」), however the pieces were joined."""
    return _HAN_THEN_LATIN.sub(" ", text)


def _required(value: object, field: str, zh_label: str, en_label: str) -> str:
    text = clean(value, field)
    if not text:
        raise FieldError(f"{field}.required", field, zh_spaced(f"請填寫{zh_label}"), f"{en_label} is required")
    return text


def _refused(field: str, code: str, zh: str, en: str) -> FieldError:
    """The field's value is refused: `{field}.{code}`, with the reason in zh-Hant and English."""
    return FieldError(f"{field}.{code}", field, zh, en)


# --------------------------------------------------------------------------
# National ID (身分證字號) and resident certificate numbers (統一證號)
# --------------------------------------------------------------------------

# The issuing-letter values run from 10 in this order; I, O, W, Z were added
# after the others, which is why they sit at the end (the published
# checksum table of 身分證字號).
_LETTER_ORDER = "ABCDEFGHJKLMNPQRSTUVXYWZIO"
LETTER_VALUES: dict[str, int] = {ch: 10 + i for i, ch in enumerate(_LETTER_ORDER)}

# Old resident certificates: the second letter stands for the last digit of
# its own letter value (A=10 → 0 ... D=13 → 3).
_OLD_SECOND_LETTER = {"A": 0, "B": 1, "C": 2, "D": 3}

# Old-format resident certificate numbers stop being valid after this day.
OLD_RESIDENT_FORMAT_VALID_UNTIL = date(2030, 12, 31)

_NATIONAL_RE = re.compile(r"^[A-Z][12]\d{8}$")
_RESIDENT_NEW_RE = re.compile(r"^[A-Z][89]\d{8}$")
_RESIDENT_OLD_RE = re.compile(r"^[A-Z][A-D]\d{8}$")


class IdKind(StrEnum):
    NATIONAL_ID = "national_id"  # 身分證字號
    RESIDENT = "resident_certificate"  # 統一證號 (2021 format)
    RESIDENT_OLD = "resident_certificate_old"  # 統一證號 (old two-letter format)


@dataclass(frozen=True)
class PersonalId:
    value: str
    kind: IdKind

    def masked(self) -> str:
        """For screens and logs: enough to recognise, too little to misuse (R-PD-1)."""
        return self.value[:3] + "*" * 4 + self.value[-3:]

    def __str__(self) -> str:
        return self.value


def id_checksum_ok(value: str) -> bool:
    """The shared check of all three formats: weights 1,9 on the two digits of
    the letter value, 8..1 on the next eight characters, 1 on the check digit."""
    return _checksum_total(value) % 10 == 0


def id_check_digit(first_nine: str) -> str:
    """The check digit that completes a 身分證字號 or new-format 統一證號 (a letter and 8 digits):
    the digit that makes `id_checksum_ok` true. Used to make valid numbers for tests and benches."""
    partial = _checksum_total(first_nine + "0")
    return str((10 - partial % 10) % 10)


def _checksum_total(value: str) -> int:
    d1, d2 = divmod(LETTER_VALUES[value[0]], 10)
    second = value[1]
    digits = [_OLD_SECOND_LETTER[second] if second.isalpha() else int(second)]
    digits += [int(c) for c in value[2:]]
    return d1 * 1 + d2 * 9 + sum(d * w for d, w in zip(digits[:8], range(8, 0, -1))) + digits[8]


def parse_personal_id(value: object, field: str = "national_id", *, today: date | None = None) -> PersonalId:
    """身分證字號 or 統一證號 (new or old format), upper-cased, checksum verified."""
    text = _required(value, field, "身分證字號", "National ID").upper().replace(" ", "")
    if _NATIONAL_RE.match(text):
        kind = IdKind.NATIONAL_ID
    elif _RESIDENT_NEW_RE.match(text):
        kind = IdKind.RESIDENT
    elif _RESIDENT_OLD_RE.match(text):
        kind = IdKind.RESIDENT_OLD
    else:
        raise _refused(
            field,
            "format",
            "身分證字號格式不符：應為 1 個英文字母加 9 位數字（第 2 碼為 1、2、8 或 9），"
            "或舊式統一證號 2 個英文字母（第 2 碼為 A–D）加 8 位數字",
            "National ID format not recognised: one letter and 9 digits (second character "
            "1, 2, 8 or 9), or an old resident certificate number of two letters (second A–D) "
            "and 8 digits",
        )
    if not id_checksum_ok(text):
        raise _refused(
            field,
            "checksum",
            "身分證字號檢查碼不符，請再核對一次",
            "National ID check digit does not match; please check the number again",
        )
    if kind is IdKind.RESIDENT_OLD and today is not None and today > OLD_RESIDENT_FORMAT_VALID_UNTIL:
        raise _refused(
            field,
            "expired_format",
            "舊式統一證號已於 2030-12-31 停止使用，請填寫新式統一證號",
            "Old-format resident certificate numbers ceased to be valid on 2030-12-31; "
            "please give the new-format number",
        )
    return PersonalId(text, kind)


# --------------------------------------------------------------------------
# Account names (申請人帳號)
# --------------------------------------------------------------------------

_NEW_ACCOUNT_RE = re.compile(r"^[A-Za-z0-9]{6,20}$")
# Keycloak's own limit on usernames; existing accounts may predate R-FORM-3.
_EXISTING_ACCOUNT_RE = re.compile(r"^[A-Za-z0-9._@+\-]{1,255}$")


def _refuse_adm(name: str, field: str) -> None:
    # R-FORM-4. The smoking-cessation ADM accounts of the integration portal are
    # institution-level administrator accounts whose names begin with "ADM";
    # they belong to an institution, not to a person (R-CONF-2), so they may
    # never carry a screening grant. We refuse the whole "adm" prefix, in any
    # case, rather than guess their exact pattern: a person proposing a new
    # name loses nothing, and a reviewer can never mistake a personal account
    # for an ADM one. "adm" inside a name (e.g. "badminton7") is not refused:
    # it does not look like an ADM account.
    if name.lower().startswith("adm"):
        raise _refused(
            field,
            "adm_account",
            "請勿以戒菸 ADM 帳號申請（帳號不得以 ADM 開頭）",
            "A smoking-cessation ADM account may not be used (account names may not begin with ADM)",
        )


def parse_new_account_name(value: object, field: str = "account") -> str:
    """A proposed account name for application A (R-FORM-3, R-FORM-4).

    Lower-cased, because Keycloak stores usernames lower-case: comparing in any
    other case would let "Wang1234" and "wang1234" look like two accounts.
    """
    text = _required(value, field, "申請人帳號", "Account name")
    if not _NEW_ACCOUNT_RE.match(text):
        raise _refused(
            field, "format", "帳號需為 6–20 個英文字母或數字", "The account name must be 6–20 letters (A–Z) or digits"
        )
    if not (re.search(r"[A-Za-z]", text) and re.search(r"\d", text)):
        raise _refused(
            field,
            "mixed",
            "帳號需英數混合：至少一個英文字母及一個數字",
            "The account name must mix letters and digits: at least one of each",
        )
    _refuse_adm(text, field)
    return text.lower()


def parse_existing_account_name(value: object, field: str = "account") -> str:
    """The applicant's own existing account, for B, C and D (附件1 note 2).

    Only its shape is checked here: whether it exists is a question for the
    identity provider, asked by the service layer.
    """
    text = _required(value, field, "申請人帳號", "Account name")
    if not _EXISTING_ACCOUNT_RE.match(text):
        raise _refused(
            field,
            "format",
            "帳號只能包含英文字母、數字及 . _ @ + -",
            "An account name contains only letters, digits and . _ @ + -",
        )
    _refuse_adm(text, field)
    return text.lower()


# --------------------------------------------------------------------------
# Applicant name (申請人姓名): a person, not an institution (R-FORM-2)
# --------------------------------------------------------------------------

# Words that name organisations and (nearly) never occur in a person's name.
_INSTITUTION_WORDS_ZH = (
    "醫院",
    "診所",
    "衛生所",
    "衛生局",
    "檢驗所",
    "中心",
    "藥局",
    "藥房",
    "醫學院",
    "基金會",
    "公司",
    "協會",
    "學會",
    "公會",
    "聯合",
    "法人",
    "機構",
    "大學",
    "醫事",
    "醫務室",
    "門診部",
    "分院",
    "院區",
    "實驗室",
    "檢驗室",
    "事務所",
    "合作社",
    "股份",
    "有限",
    "健康署",
    "衛福部",
    "衛生福利部",
    "國民健康",
)
# Single characters that end organisation names (台大醫"院", 檢驗"所", 衛生"局",
# 健康"署" ...) and are vanishingly rare as the last character of a given name.
# Deliberately not here: 科 and 組 (both occur in given names), 中, 心, 聯.
_INSTITUTION_SUFFIXES_ZH = ("院", "所", "局", "署", "部", "處", "室", "館", "社", "會", "店")
_INSTITUTION_WORDS_EN = re.compile(
    r"\b(hospital|clinics?|cent(?:er|re)|medical|laborator(?:y|ies)|labs?|pharmacy|drugstore|"
    r"foundation|association|society|universit(?:y|ies)|college|institute|department|dept|"
    r"bureau|company|corporation|corp|inc|ltd|llc|health|office)\b",
    re.IGNORECASE,
)

# CJK ideographs, including the extensions: Taiwanese household registers hold
# names written with rare characters outside the basic block.
_CJK = r"\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\U00020000-\U0003134F"
_CJK_NAME_RE = re.compile(rf"^[{_CJK}]+(?:·[{_CJK}]+)*$")
# Dots people type between the parts of indigenous and transliterated foreign
# names; all are stored as U+00B7 so that one name has one spelling.
_NAME_DOTS = "‧・･•∙⋅.．"
_LATIN_LETTER = r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F"
_LATIN_NAME_RE = re.compile(rf"^[{_LATIN_LETTER}]+(?:(?:[ \-'’]|, ?|\. ?)[{_LATIN_LETTER}]+)*\.?$")


def _not_institution(field: str) -> FieldError:
    return _refused(
        field,
        "institution_name",
        "申請人姓名應為人名，不得以機構名稱填寫",
        "The applicant name must be a person's name, not the name of an institution",
    )


def parse_person_name(value: object, field: str = "applicant_name") -> str:
    """A person's name in CJK (2–10 characters, · between parts) or in Latin letters."""
    text = _required(value, field, "申請人姓名", "Applicant name")
    if re.search(f"[{_CJK}]", text):
        # Spaces between surname and given name are a typing habit, not part of the name.
        name = re.sub(r"\s+", "", text)
        for dot in _NAME_DOTS:
            name = name.replace(dot, "·")
        if any(word in name for word in _INSTITUTION_WORDS_ZH) or name.endswith(_INSTITUTION_SUFFIXES_ZH):
            raise _not_institution(field)
        ideographs = len(name.replace("·", ""))
        if not _CJK_NAME_RE.match(name) or not 2 <= ideographs <= 10:
            raise _refused(
                field,
                "format",
                "中文姓名應為 2–10 個漢字，原住民族或外籍姓名的各部分以「·」分隔，不可混入數字或符號",
                "A name in Chinese characters has 2–10 characters, parts of indigenous or "
                "foreign names separated by '·', and no digits or symbols",
            )
        return name
    name = re.sub(r"\s+", " ", text)
    if _INSTITUTION_WORDS_EN.search(name):
        raise _not_institution(field)
    letters = len(re.findall(f"[{_LATIN_LETTER}]", name))
    if not _LATIN_NAME_RE.match(name) or letters < 2 or len(name) > 50:
        raise _refused(
            field,
            "format",
            "姓名應為中文或英文字母拼寫的人名（英文最多 50 個字元），不可含數字或其他符號",
            "The name must be a person's name in Chinese characters or Latin letters "
            "(at most 50 characters), without digits or other symbols",
        )
    return name


# --------------------------------------------------------------------------
# Institution, department, category, reason
# --------------------------------------------------------------------------

_INSTITUTION_CODE_RE = re.compile(r"^[0-9]{10}$")


def parse_institution_code(value: object, field: str = "institution_code") -> str:
    """醫事機構代碼: exactly 10 digits. Only the shape: no official specification
    of the digit groups has been found, so we do not guess one."""
    text = _required(value, field, "醫事機構代碼", "Medical institution code")
    if not _INSTITUTION_CODE_RE.match(text):
        raise _refused(
            field, "format", "醫事機構代碼應為 10 位數字", "The medical institution code has exactly 10 digits"
        )
    return text


def parse_text(value: object, field: str, zh_label: str, en_label: str, max_length: int) -> str:
    text = refuse_markup(re.sub(r"\s+", " ", _required(value, field, zh_label, en_label)), field)
    if len(text) > max_length:
        raise _refused(
            field, "too_long", f"{zh_label}最多 {max_length} 個字", f"{en_label} has at most {max_length} characters"
        )
    return text


def parse_institution_name(value: object, field: str = "institution_name") -> str:
    return parse_text(value, field, "醫事機構名稱", "Institution name", 100)


def parse_department(value: object, field: str = "department") -> str:
    return parse_text(value, field, "所屬部門", "Department", 50)


def parse_reason(value: object, field: str = "reason") -> str:
    """註銷原因 of application B (R-FORM-1)."""
    return parse_text(value, field, "註銷原因", "Reason for revoking", 500)


def parse_category(value: object, known: Mapping[str, policies.Category], field: str = "category") -> str:
    """業務類別, one of the `known` categories (policies/categories.toml, handed in by the caller)."""
    text = _required(value, field, "業務類別", "Business category").upper()
    if text not in known:
        raise _refused(
            field,
            "unknown",
            "業務類別不存在，應為：" + "、".join(f"{c.id}（{c.zh}）" for c in known.values()),
            "Unknown business category; expected one of: " + ", ".join(known),
        )
    return text


# --------------------------------------------------------------------------
# Phone (聯絡電話)
# --------------------------------------------------------------------------

# Taiwanese write an extension as #116, 轉116, 分機116 or 內線116; the
# phonenumbers library knows only the first, so all become "#".
_EXTENSION_MARK_RE = re.compile(r"\s*(?:#|轉|分機|內線|ext\.?|x)\s*", re.IGNORECASE)
_PHONE_MAIN_RE = re.compile(r"^\+?[0-9()\-\s./]+$")
# Office exchanges in Taiwan use 1–6 digit extensions; longer is a typo.
_EXTENSION_RE = re.compile(r"^[0-9]{1,6}$")


@dataclass(frozen=True)
class Phone:
    e164: str  # +886225591969
    extension: str | None  # "116"
    national: str  # "02 2559 1969#116", as shown to Taiwanese readers

    def __str__(self) -> str:
        return self.e164 + (f";ext={self.extension}" if self.extension else "")

    @property
    def written(self) -> str:
        """As the agency's forms write a number: (02)2559-1969#116, 0912-345-678."""
        main = self.national.partition("#")[0].split()
        if len(main) < 2:
            return self.national
        if main[0].startswith("09"):  # a mobile number has no area code
            text = "-".join(main)
        else:
            text = f"({main[0]})" + "-".join(main[1:])
        return text + (f"#{self.extension}" if self.extension else "")


def _phone_error(field: str) -> FieldError:
    return FieldError(
        f"{field}.invalid",
        field,
        "聯絡電話格式不符，例如 (02)2559-1969#116、02-2559-1969轉116 或 0912-345-678",
        "Phone number not recognised; e.g. (02)2559-1969#116, 02-2559-1969 ext 116 or 0912-345-678",
    )


def parse_phone(value: object, field: str = "phone") -> Phone:
    """A Taiwanese phone number, fixed line with optional extension or mobile;
    normalised to E.164 plus extension."""
    text = _required(value, field, "聯絡電話", "Phone number")
    marked = _EXTENSION_MARK_RE.sub("#", text)
    main, _, extension = marked.partition("#")
    if not _PHONE_MAIN_RE.match(main) or "#" in extension:
        raise _phone_error(field)
    if extension and not _EXTENSION_RE.match(extension):
        raise _refused(
            field,
            "extension",
            "分機應為 1–6 位數字，且只能填一個分機",
            "The extension must be a single number of 1–6 digits",
        )
    try:
        number = phonenumbers.parse(main, "TW")
    except phonenumbers.NumberParseException:
        raise _phone_error(field) from None
    if not phonenumbers.is_valid_number(number):
        raise _phone_error(field)
    # Data stays within the Republic of China (R-PD-3) and the agency phones
    # institutions in Taiwan: a foreign number is most likely a mistake.
    if phonenumbers.region_code_for_number(number) != "TW":
        raise _refused(field, "not_taiwan", "請填寫臺灣的電話號碼", "Please give a phone number in Taiwan")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    ext = extension or None
    return Phone(e164, ext, national + (f"#{ext}" if ext else ""))


# --------------------------------------------------------------------------
# E-mail (E-mail 信箱)
# --------------------------------------------------------------------------

# The dot-atom of RFC 5322 for the local part; a domain of at least two DNS
# labels ending in a letter TLD (or an IDN "xn--" one). Quoted local parts and
# IP literals are legal but never a working person's address at an
# institution, and they complicate every system downstream.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-]"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
_EMAIL_RE = re.compile(
    rf"^({_ATEXT}+(?:\.{_ATEXT}+)*)@((?:{_LABEL}\.)+(?:[A-Za-z]{{2,63}}|xn--[A-Za-z0-9\-]{{1,59}}))$"
)


def parse_email(value: object, field: str = "email") -> str:
    """Syntax only. Whether the mailbox is in use (R-FORM-5) shows when the
    password mail of A arrives; the domain cannot know it."""
    text = _required(value, field, "E-mail 信箱", "E-mail address")
    match = _EMAIL_RE.match(text)
    if not match or len(match.group(1)) > 64 or len(text) > 254:
        raise _refused(
            field,
            "format",
            "E-mail 信箱格式不符，例如 wang.xiaoming@ntuh.gov.tw",
            "E-mail address not recognised, e.g. wang.xiaoming@ntuh.gov.tw",
        )
    # The domain is case-insensitive; the local part, strictly, is not.
    return f"{match.group(1)}@{match.group(2).lower()}"


def same_mailbox(a: str | None, b: str | None, dot_blind_domains: tuple[str, ...] = ("gmail.com",)) -> bool:
    """Do two addresses reach one mailbox, as far as a separation-of-duties check should assume?
    Case ignored, "+tags" ignored, dots ignored where the domain ignores them (decision 0132).
    It errs towards "the same": a false match only sends the decision to another reviewer."""
    if not a or not b:
        return False
    return mailbox_of(a, dot_blind_domains) == mailbox_of(b, dot_blind_domains)


def mailbox_of(address: str, dot_blind_domains: tuple[str, ...] = ("gmail.com",)) -> str:
    local, _, domain = unicodedata.normalize("NFKC", address).strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain == "googlemail.com":
        domain = "gmail.com"
    if domain in dot_blind_domains:
        local = local.replace(".", "")
    return f"{local}@{domain}"


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------

# ISO (2025-05-01), and the slashes Taiwanese also write (2025/5/1).
_ISO_DATE_RE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
# ROC era (民國): year − 1911, written 114/05/01, 114.5.1 or 114-05-01 on
# paper forms. Two or three digits cannot be mistaken for a Western year.
_ROC_DATE_RE = re.compile(r"^(\d{2,3})[-/.](\d{1,2})[-/.](\d{1,2})$")


def parse_date(value: object, field: str, zh_label: str = "日期", en_label: str = "Date") -> date:
    """A Western date (2025-05-01, 2025/5/1) or an ROC-era one (114/05/01), as
    written on paper; returned as a `date`."""
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    text = _required(value, field, zh_label, en_label)
    iso = _ISO_DATE_RE.match(text)
    roc = _ROC_DATE_RE.match(text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if roc:
            return date(int(roc[1]) + 1911, int(roc[2]), int(roc[3]))
    except ValueError:
        pass
    raise _refused(
        field,
        "format",
        f"{zh_label}格式不符，請填 西元 2025-05-01 或 民國 114/05/01",
        f"{en_label} not recognised; use 2025-05-01 (or ROC era 114/05/01)",
    )


# A form signed more than a year ago is a mistyped year (an application dated year 1 was
# accepted: issue 19), and no office keeps one that long before sending it.
MAX_APPLICATION_AGE = timedelta(days=366)


def parse_application_date(value: object, today: date, field: str = "application_date") -> date:
    """申請(註銷)日期: a real date, not after today (a form is dated when signed), not over a year ago."""
    day = parse_date(value, field, "申請日期", "Application date")
    if day > today:
        raise _refused(field, "future", "申請日期不可晚於今天", "The application date cannot be later than today")
    if day < today - MAX_APPLICATION_AGE:
        raise _refused(
            field,
            "too_old",
            "申請日期不可早於一年前，請確認年份",
            "The application date cannot be more than a year ago; check the year",
        )
    return day


# A revoke more than a year ahead is almost certainly a mistyped year, and it
# would leave a departed person's access standing until then.
MAX_EFFECTIVE_DATE_AHEAD = timedelta(days=366)


def parse_effective_date(value: object, application_date: date, field: str = "effective_date") -> date:
    """生效日期 of any type (R-MGR-6): the manager's departure or change (B, D), or the day an
    appointment starts (A, C). A date before the application date is allowed: the person has
    already left, the change is made at once."""
    day = parse_date(value, field, "生效日期", "Effective date")
    if day > application_date + MAX_EFFECTIVE_DATE_AHEAD:
        raise _refused(
            field,
            "too_far",
            "生效日期不可晚於申請日期一年以上",
            "The effective date cannot be more than a year after the application date",
        )
    return day


# ---- the official letter that carries the originals (R-DOC-4) --------------------------------


def roc_year(day: date) -> int:
    """The Republic of China's year of a date (民國): 2025 is 114."""
    return day.year - 1911


def parse_received_on(value: object, *, earliest: date, today: date, field: str = "received_on") -> date:
    """收文日期: the day HPA received the letter. Not in the future, and not before the form's
    own date: a letter cannot arrive before the form it carries was signed."""
    day = parse_date(value, field, "收文日期", "Date received")
    if day > today:
        raise _refused(field, "future", "收文日期不可晚於今天", "The date received cannot be later than today")
    if day < earliest:
        raise _refused(
            field,
            "before_application",
            f"收文日期不可早於申請書日期（{earliest.isoformat()}）",
            f"The date received cannot be before the form's date ({earliest.isoformat()})",
        )
    return day


def parse_letter_number(
    value: object, *, received_on: date | None, rules: policies.Letters, field: str = "letter_number"
) -> str:
    """公文文號 in the form official letters carry it (`rules`: policies/documents.toml [letters]):
    「國健癌字第1140000456號」, whose year (the first three digits) is the letter's, at most
    `year_lag_max` before the year it was received and never after."""
    text = re.sub(r"\s+", "", _required(value, field, "公文文號", "Letter number"))
    pattern = rf"^[\u3400-\u9fff]{{1,15}}字第(\d{{3}})\d{{{rules.serial_digits_min},{rules.serial_digits_max}}}號$"
    m = re.match(pattern, text)
    if not m:
        raise _refused(
            field,
            "format",
            f"公文文號格式應如「{rules.example}」（機關代字、字第、民國年度三碼與流水號、號）",
            f"The letter number must be written as official letters carry it, e.g. {rules.example}: "
            "the issuer's word, then the ROC year in three digits and the serial number",
        )
    if received_on is not None:
        year, received = int(m[1]), roc_year(received_on)
        if not received - rules.year_lag_max <= year <= received:
            raise _refused(
                field,
                "year",
                f"文號年度 {year} 與收文日期（民國 {received} 年）不符",
                f"The letter's year {year} does not fit the date received (ROC year {received})",
            )
    return text
