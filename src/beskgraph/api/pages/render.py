"""Jinja2 templates and the filters they use."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from beskgraph.api.pages.nodes import da_date, da_number, href, span_href, thousands
from beskgraph.api.pages.terms import term

ENV = Environment(
    loader=PackageLoader("beskgraph.api.pages", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters.update(
    href=href,
    span_href=span_href,
    date=da_date,
    number=da_number,
    thousands=thousands,
    term=lambda iri: term(iri).da,
    term_en=lambda iri: term(iri).en,
)
ENV.globals["assets"] = "/assets"


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a template; every page varies by Accept (its URL also serves RDF)."""
    html = ENV.get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status, headers={"Vary": "Accept"})
