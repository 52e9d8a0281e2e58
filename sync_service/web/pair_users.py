"""The managers' page (decision 0127): the people of each (institution, category) the
signed-in person manages now; ending one grant; adding an existing account. Each action is
one use case of services/pair_users.py; this module only reads the form and shows the page.

Adding is two steps: the account name and national ID find the person (the same refusal for
any mismatch), then the manager confirms with the date 附件3 was signed. The person found
travels from the first step to the second in a signed, short-lived ticket bound to the
manager and the pair, never as a national ID."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..domain import DomainError
from ..services import pair_users as use_cases
from ..services.clock import utcnow
from ..services.errors import Forbidden, NotFound
from ..services.printing import consent_for_user
from .page_support import field_errors, signed_in, signed_in_caller, use_page_errors, wiring

blueprint = Blueprint("pair_users", __name__)
use_page_errors(blueprint)

TICKET_SECONDS = 30 * 60  # long enough to print 附件3 and have it signed at the desk


def _tickets() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="pair-users.add")


def _ticket(pair: tuple[str, str], candidate: use_cases.Candidate) -> str:
    return _tickets().dumps([pair[0], pair[1], candidate.account_id, signed_in_caller().subject])


def _ticketed(ticket: str) -> tuple[tuple[str, str], str]:
    """The pair and account a ticket of this manager names, or the no-match refusal."""
    try:
        code, category, account_id, by = _tickets().loads(ticket, max_age=TICKET_SECONDS)
    except (BadSignature, ValueError, TypeError):
        raise use_cases.no_match() from None
    if by != signed_in_caller().subject:
        raise use_cases.no_match()
    return (code, category), account_id


def _page(status: int = 200, **extra):
    pages = use_cases.pages_of(wiring().uow, wiring().directory(), signed_in_caller())
    return render_template(
        "pair_users.html", pages=pages, done=request.args.get("done"), who_done=request.args.get("account"), **extra
    ), status


@blueprint.get("/manage")
@signed_in
def page():
    return _page()


def _pair_of_form() -> tuple[str, str]:
    code, _, category = request.form.get("pair", "").partition("/")
    return code, category


@blueprint.post("/manage/find")
@signed_in
def find():
    pair = _pair_of_form()
    form = {"account": request.form.get("account", "").strip(), "pair": "/".join(pair)}
    try:
        found = use_cases.find_person(
            wiring().uow,
            wiring().directory(),
            signed_in_caller(),
            pair,
            account=form["account"],
            national_id=request.form.get("national_id", ""),
            now=utcnow(),
        )
    except NotFound as e:
        return _page(404, add_form=form, add_errors={"account": (e.zh, e.en)})
    except Forbidden:
        raise
    except DomainError as e:
        return _page(422, add_form=form, add_errors=field_errors(e) or {"account": (e.zh, e.en)})
    return _page(adding=pair, found=found, ticket=_ticket(pair, found))


@blueprint.post("/manage/add")
@signed_in
def add():
    ticket = request.form.get("ticket", "")
    pair, account_id = _ticketed(ticket)
    try:
        added = use_cases.add_person(
            wiring().uow,
            wiring().directory(),
            wiring().departure_dates(),
            signed_in_caller(),
            pair,
            account_id=account_id,
            consent_signed_on=request.form.get("consent_signed_on", ""),
            kept_on_file=request.form.get("kept_on_file") == "yes",
            now=utcnow(),
        )
    except (NotFound, Forbidden):
        raise
    except DomainError as e:
        errors = field_errors(e) or {"consent_signed_on": (e.zh, e.en)}
        found = use_cases.candidate(wiring().uow, wiring().directory(), signed_in_caller(), pair, account_id=account_id)
        return _page(422, adding=pair, found=found, ticket=ticket, confirm_errors=errors)
    return redirect(url_for("pair_users.page", done="added", account=added.username) + f"#pair-{pair[0]}-{pair[1]}")


@blueprint.get("/manage/consent/<ticket>.pdf")
@signed_in
def consent(ticket):
    """附件3 for the person found, prefilled with their name and the institution (the signed
    copy stays at the institution, R-USR-3)."""
    pair, account_id = _ticketed(ticket)
    found = use_cases.candidate(wiring().uow, wiring().directory(), signed_in_caller(), pair, account_id=account_id)
    form = consent_for_user(found.name, found.institution_name, base_url=request.host_url.rstrip("/"))
    return current_app.response_class(
        wiring().printer.render(form),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="confidentiality-consent-{found.username}.pdf"',
            "Cache-Control": "no-store",
        },
    )


@blueprint.post("/manage/<code>/<category>/end")
@signed_in
def end(code, category):
    pair = (code, category)
    account_id = request.form.get("account_id", "")
    try:
        on = use_cases.end_grant(
            wiring().uow,
            wiring().directory(),
            signed_in_caller(),
            pair,
            account_id=account_id,
            on=request.form.get("on", "") if request.form.get("when") == "date" else "",
            now=utcnow(),
        )
    except NotFound:
        raise
    except DomainError as e:
        return _page(422, end_errors={account_id: field_errors(e).get("on") or (e.zh, e.en)})
    done = "ending_set" if on else "ended"
    return redirect(
        url_for("pair_users.page", done=done, account=request.form.get("username", "")) + f"#pair-{code}-{category}"
    )


@blueprint.post("/manage/<code>/<category>/cancel-ending")
@signed_in
def cancel(code, category):
    use_cases.cancel_ending(
        wiring().uow,
        wiring().directory(),
        signed_in_caller(),
        (code, category),
        account_id=request.form.get("account_id", ""),
        now=utcnow(),
    )
    return redirect(
        url_for("pair_users.page", done="cancelled", account=request.form.get("username", ""))
        + f"#pair-{code}-{category}"
    )
