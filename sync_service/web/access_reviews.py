"""Access reviews on the pages: a manager confirms their users; HPA's reviewers
see which institutions have not answered. Each action is one use case."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from ..domain import taiwan_date
from ..services import reminders as use_cases
from ..services.clock import utcnow
from ..services.errors import Forbidden
from ..services.institutions import named_institution
from .page_support import reviewer_only, signed_in, signed_in_caller, use_page_errors, wiring

blueprint = Blueprint("access_reviews", __name__)
use_page_errors(blueprint)


def last_day(review):
    """The last day to answer, as a person reads a deadline (Taiwan time)."""
    from datetime import timedelta

    return taiwan_date(review.deadline - timedelta(seconds=1))


@blueprint.get("/access-reviews")
@signed_in
def mine():
    who = signed_in_caller()
    grants = wiring().directory().grants_of(who.subject)
    reviews = use_cases.reviews_of_manager(wiring().uow(), grants)
    directory = wiring().directory()
    names = {r.institution_code: named_institution(wiring().uow(), directory, r.institution_code) for r, _ in reviews}
    return render_template(
        "access_reviews.html", reviews=reviews, names=names, last_day=last_day, answered=request.args.get("answered")
    )


@blueprint.post("/access-reviews/<review_id>")
@signed_in
def answer(review_id: str):
    who = signed_in_caller()
    grants = wiring().directory().grants_of(who.subject)
    try:
        use_cases.answer(
            wiring().uow(), review_id, set(request.form.getlist("confirmed")), grants, who.username, utcnow()
        )
    except LookupError:
        abort(404)
    except use_cases.ReviewClosed:
        raise Forbidden(
            "access_review.closed",
            "此次確認已截止，無法再修改",
            "This review has closed; answers can no longer be changed",
        ) from None
    return redirect(url_for("access_reviews.mine", answered=review_id))


@blueprint.get("/review/access-reviews")
@reviewer_only
def overview():
    reviews = use_cases.overview(wiring().uow(), utcnow())
    unanswered = [r for r in reviews if r.answered_at is None]
    return render_template("access_review_overview.html", reviews=reviews, unanswered=unanswered, last_day=last_day)
