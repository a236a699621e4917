"""Saved views of the case list: a user names the filters they use and keeps them."""

from urllib.parse import urlencode

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import func, select

from models import SavedView, User, db

from . import case_list

NAME_MAX_LENGTH = 80
VIEWS_PER_USER = 50


class ViewInvalid(ValueError):
    """A view that cannot be saved: the message says why, in the user's language."""


def views_of(user: User) -> list[SavedView]:
    """The user's views, by name."""
    query = select(SavedView).filter_by(user_id=user.id).order_by(SavedView.name, SavedView.id)
    return list(db.session.scalars(query))


def view_for(user: User, view_id: int) -> SavedView:
    """The user's own view; anyone else's is answered like a missing one (404)."""
    view = db.session.get(SavedView, view_id)
    if view is None or view.user_id != user.id:
        abort(404)
    return view


def query_of(listing: case_list.Listing) -> str:
    """The query string a view keeps: the filters, sort and order (never the page)."""
    args = listing.args()
    del args["page"]
    return urlencode(args)


def save_view(user: User, name: str, args) -> SavedView:
    """Keep the list's current filters under `name` (the same name again replaces them)."""
    name = " ".join((name or "").split())
    if not name or len(name) > NAME_MAX_LENGTH or not name.isprintable():
        raise ViewInvalid(_("Name the view in 1 to 80 printable characters."))
    try:
        query = query_of(case_list.parse(args))
    except case_list.BadListArguments as error:
        raise ViewInvalid(str(error)) from None
    view = db.session.scalar(select(SavedView).filter_by(user_id=user.id, name=name))
    if view is None:
        count = db.session.scalar(select(func.count(SavedView.id)).filter_by(user_id=user.id))
        if count >= VIEWS_PER_USER:
            raise ViewInvalid(_("You keep 50 views at most: delete one first."))
        view = SavedView(user_id=user.id, name=name, query=query)
        db.session.add(view)
    view.query = query
    db.session.flush()
    return view


def delete_view(view: SavedView) -> None:
    """Forget a view."""
    db.session.delete(view)
    db.session.flush()
