"""The forms to print (R-DOC-4, R-DOC-5), as a plain model: a title, the
reference and its QR target, labelled values, paragraphs of the agency's text
(policies/forms.toml), tables, signature and seal rows. What a form *says* is
decided here, once; how it looks, once too: web/templates/printed/sheets.html,
shown as a page and printed as the PDF (adapters/html_pdf.py, decision 0170)."""

from __future__ import annotations

from datetime import date

import segno

import policies

from ..domain import Application
from .ports import PrintedForm, Renderer

PRINTABLE = ("form-1", "unit-affidavit", "confidentiality-consent")
SYSTEM = "癌症篩檢與追蹤管理資訊整合系統"
UNDATED = "中華民國　　年　　月　　日"  # filled in by hand when signed
VENDOR_BOX = "姓名：　　　　處理日期：　　年　　月　　日　備註："
TO = "此致"
MANAGER = "管理者"
FIXED_VALUES = (UNDATED, VENDOR_BOX, TO, MANAGER, "■□中華民國年月日")
HELP = "諮詢服務"


def _box(checked: bool) -> str:
    return "■" if checked else "□"


def roc_date(day: date) -> str:
    """A date as the agency's forms write it: 中華民國 115 年 3 月 2 日."""
    return f"中華民國 {day.year - 1911} 年 {day.month} 月 {day.day} 日"


def qr_svg(target: str) -> str:
    """The form's QR code (segno, error level M) as inline SVG: the page and the PDF draw the same."""
    return str(segno.make(target, error="m").svg_inline(scale=3, title="QR code"))


def help_desk_line() -> str:
    desk = policies.load().help_desk
    return f"{HELP}：{desk.phone}　傳真：{desk.fax}　電子信箱：{desk.email}　正本寄送：{desk.mail_originals_to_zh}"


def qr_target(app: Application, base_url: str) -> str:
    """A reviewer's phone camera opens the application from the form's QR code."""
    return f"{base_url}/review/find?reference={app.id}"


def printed_form(app: Application, document: str, *, base_url: str) -> PrintedForm:
    texts = policies.printed_forms()[document]
    p = policies.load()
    f = app.form
    form = PrintedForm(
        document=document,
        annex=texts["annex"],
        title=texts["title"],
        reference=app.id,
        qr_target=qr_target(app, base_url),
        help_desk=help_desk_line(),
    )
    if document == "form-1":
        form.rows = [
            (
                "申請作業",
                tuple(f"{_box(app.type.value == t)} {t}.{p.application_types[t].zh}" for t in p.application_types),
            ),
            ("業務類別", tuple(f"{_box(app.category == c.id)} {c.zh}" for c in p.categories.values())),
            ("醫事機構名稱", app.institution.name),
            ("醫事機構代碼", app.institution.code),
            ("所屬部門", f.department),
            ("申請人姓名", f.applicant_name),
            ("申請人帳號", f.account),
            ("聯絡電話", f.phone.written),
            ("身分證字號", f.national_id.value),
            ("E-mail 信箱", f.email),
            ("申請(註銷)日期", roc_date(f.application_date)),
            ("註銷原因", f.reason or ""),
        ]
        if f.effective_date:  # any type may be dated (R-MGR-6)
            form.rows.append(("生效日期", roc_date(f.effective_date)))
        form.signatures = ["申請人（簽名並蓋章）", "單位主管（簽名並蓋章）"]
        form.seals = frozenset(form.signatures)
        form.rows.append(("維護廠商登錄（由系統廠商填寫）", VENDOR_BOX))
        form.notes = list(texts["notes"])
    elif document == "unit-affidavit":
        form.paragraphs = [
            t.replace("立書切結人_____單位", f"立書切結人{app.institution.name}單位") for t in texts["paragraphs"]
        ]
        form.paragraphs += [TO] + list(texts["addressees"])
        form.rows = [
            ("立切結書單位（用印）", app.institution.name),
            ("代表人（簽章）", ""),
            ("地址", ""),
            ("日期", UNDATED),
        ]
        form.seals = frozenset({"立切結書單位（用印）", "代表人（簽章）"})
        users = PrintedForm(
            document=document,
            annex=texts["users_annex"],
            title=texts["users_title"],
            reference=app.id,
            qr_target=form.qr_target,
        )
        blank = ["", "", "", ""]
        users.table = (
            list(texts["users_columns"]),
            [
                [f.applicant_name, f.national_id.value, MANAGER, f"{policies.load().categories[app.category].zh}"],
                *[list(blank) for _ in range(8)],
            ],
        )
        form.pages.append(users)
    elif document == "confidentiality-consent":
        _consent(form, f.applicant_name, app.institution.name, f.national_id.value, f.phone.written)
    else:
        raise KeyError(document)
    return form


def _consent(form: PrintedForm, signer: str, institution: str, national_id: str, phone: str) -> None:
    """附件3's text and rows for one signer at one institution (a manager's or a user's)."""
    form.paragraphs = [
        t.replace("簽署人 _____ (簽署人姓名", f"簽署人 {signer} (簽署人姓名").replace(
            "所屬單位 _____ (以下簡稱本單位)", f"所屬單位 {institution} (以下簡稱本單位)"
        )
        for t in policies.printed_forms()["confidentiality-consent"]["paragraphs"]
    ]
    form.rows = [
        ("簽署人姓名及簽章", signer),
        ("身分證字號", national_id),
        ("聯絡電話", phone),
        ("戶籍地址", ""),
        ("單位名稱及蓋章", institution),
        ("單位代表人姓名及簽章", ""),
        ("單位地址", ""),
        ("日期", UNDATED),
    ]
    form.seals = frozenset({"簽署人姓名及簽章", "單位名稱及蓋章", "單位代表人姓名及簽章"})


def consent_for_user(signer: str, institution: str, *, base_url: str) -> PrintedForm:
    """附件3 for a user a manager adds (R-USR-3): kept at the institution (留院備查), so it carries
    no application number; the national ID and phone are written by hand."""
    texts = policies.printed_forms()["confidentiality-consent"]
    form = PrintedForm(
        document="confidentiality-consent",
        annex=texts["annex"],
        title=texts["title"],
        reference="—",
        qr_target=f"{base_url}/manage",
    )
    _consent(form, signer, institution, "", "")
    return form


def render_pdf(app: Application, document: str, *, base_url: str, renderer: Renderer) -> bytes:
    return renderer.render(printed_form(app, document, base_url=base_url))
