"""The forms to print (R-DOC-4, R-DOC-5), as a plain model: a title, the
reference and its QR target, labelled values, paragraphs of the agency's text
(policies/forms.toml), tables and signature boxes. A renderer (PDF, HTML)
lays the model out; what the form *says* is decided here, once."""

from __future__ import annotations

from collections.abc import Iterator

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


def _box(checked: bool) -> str:
    return "■" if checked else "□"


def qr_target(app: Application, base_url: str) -> str:
    """A reviewer's phone camera opens the application from the form's QR code."""
    return f"{base_url}/review/find?reference={app.id}"


def printed_form(app: Application, document: str, *, base_url: str) -> PrintedForm:
    texts = policies.printed_forms()[document]
    p = policies.load()
    f = app.form
    roc_date = f"中華民國 {f.application_date.year - 1911} 年 {f.application_date.month} 月 {f.application_date.day} 日"
    form = PrintedForm(
        document=document,
        annex=texts["annex"],
        title=texts["title"],
        reference=app.id,
        qr_target=qr_target(app, base_url),
    )
    if document == "form-1":
        form.rows = [
            (
                "申請作業",
                "　".join(f"{_box(app.type.value == t)} {t}.{p.application_types[t].zh}" for t in p.application_types),
            ),
            ("業務類別", "　".join(f"{_box(app.category == c.id)} {c.zh}" for c in p.categories.values())),
            ("醫事機構名稱", app.institution.name),
            ("醫事機構代碼", app.institution.code),
            ("所屬部門", f.department),
            ("申請人姓名", f.applicant_name),
            ("申請人帳號", f.account),
            ("聯絡電話", f.phone.national),
            ("身分證字號", f.national_id.value),
            ("E-mail 信箱", f.email),
            ("申請(註銷)日期", roc_date),
            ("註銷原因", f.reason or ""),
        ]
        if f.effective_date:  # any type may be dated (R-MGR-6)
            form.rows.append(("生效日期", f.effective_date.isoformat()))
        form.signatures = ["申請人（簽名並蓋章）", "單位主管（簽名並蓋章）"]
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
        form.paragraphs = [
            t.replace("簽署人 _____ (簽署人姓名", f"簽署人 {f.applicant_name} (簽署人姓名").replace(
                "所屬單位 _____ (以下簡稱本單位)", f"所屬單位 {app.institution.name} (以下簡稱本單位)"
            )
            for t in texts["paragraphs"]
        ]
        form.rows = [
            ("簽署人姓名及簽章", f.applicant_name),
            ("身分證字號", f.national_id.value),
            ("聯絡電話", f.phone.national),
            ("戶籍地址", ""),
            ("單位名稱及蓋章", app.institution.name),
            ("單位代表人姓名及簽章", ""),
            ("單位地址", ""),
            ("日期", UNDATED),
        ]
    else:
        raise KeyError(document)
    return form


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (dict, list, tuple)):
        for v in value.values() if isinstance(value, dict) else value:
            yield from _strings(v)


def fixed_texts(form: PrintedForm) -> frozenset[str]:
    """What this kind of form prints whatever the application: the agency's texts
    for it, the names of the types and categories it ticks, its labels and
    fixed values. The same for every application of one kind, so a renderer may
    prepare it once (the PDF's font for it and these texts' lines,
    adapters/pdf_forms.py); the application's own values are what is left."""
    p = policies.load()
    texts = [
        *_strings(policies.printed_forms()[form.document]),
        SYSTEM,
        *FIXED_VALUES,
        *(t.zh for t in p.application_types.values()),
        *(c.zh for c in p.categories.values()),
    ]
    for sheet in (form, *form.pages):
        texts += [sheet.annex, sheet.title, *(label for label, _ in sheet.rows), *sheet.signatures, *sheet.notes]
        if sheet.table:
            texts += sheet.table[0]
    return frozenset(texts)


def render_pdf(app: Application, document: str, *, base_url: str, renderer: Renderer) -> bytes:
    return renderer.render(printed_form(app, document, base_url=base_url))
