"""Rendering a report's context with Jinja2: the shipped templates or a user's,
in a sandbox, every printed value escaped for Markdown unless a filter has
made it Markdown already."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy.orm import Session

from tracker.errors import InputError
from tracker.render import views
from tracker.render.markdown import Markdown, footnote_ref, md_text, md_url, mermaid_label, shorten
from tracker.render.report import build_context
from tracker.render.report_context import Report, Scope

DEFAULT_TEMPLATE = "report.md.j2"


def _finalize(value: object) -> str:
    """Applied to every `{{ ... }}`: plain values are escaped, Markdown is not."""
    if value is None:
        return ""
    if isinstance(value, Markdown):
        return value
    return md_text(value)


def _environment(template_dir: Path | None) -> SandboxedEnvironment:
    loaders: list[Any] = [PackageLoader("tracker.render", "templates")]
    if template_dir is not None:
        loaders.insert(0, FileSystemLoader(template_dir))
    env = SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=False,  # HTML escaping is wrong for Markdown; _finalize escapes
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=md_text,
        url=md_url,
        cite=footnote_ref,
        mermaid=mermaid_label,
        short=shorten,
        # For macro output, whose values were escaped as the macro printed them.
        markdown=Markdown,
    )
    env.globals["passive"] = views.PASSIVE
    return env


def render(context: Report, template: Path | None = None) -> str:
    """The report as Markdown, from the shipped template or the file `template`."""
    env = _environment(template.parent if template else None)
    try:
        loaded = env.get_template(template.name if template else DEFAULT_TEMPLATE)
        text = loaded.render(report=context, **vars(context))
    except TemplateError as exc:
        where = template or DEFAULT_TEMPLATE
        line = getattr(exc, "lineno", None)
        raise InputError(f"template {where}{f':{line}' if line else ''}: {exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"template {template}: not UTF-8") from None
    # One newline at the end, none doubled by the template's blank lines.
    return text.rstrip("\n") + "\n"


def report(
    session: Session,
    scope: Scope,
    template: Path | None = None,
    generated_at: dt.datetime | None = None,
) -> str:
    """Build and render a report in one call."""
    return render(build_context(session, scope, generated_at), template)
