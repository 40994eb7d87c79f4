"""Rendering a report's context with Jinja2: the shipped templates or a user's,
in a sandbox, every printed value escaped for Markdown unless a filter has
made it Markdown already."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, StrictUndefined, TemplateError
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import generate_lorem_ipsum
from sqlalchemy.orm import Session

from tracker import limits
from tracker.render import bounded, views
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


class _Sandbox(SandboxedEnvironment):
    """Jinja2's sandbox (no attributes of Python's internals), with the
    operators that make one value huge checked before they run, so that the
    commonest runaway says what it was. The process a template renders in is
    bounded besides (tracker.render.bounded): these checks make messages,
    that bound makes the guarantee."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _whole(left) and _whole(right) and right > 0 and abs(left) > 1:
            _check_digits("a power", right * math.log10(abs(left)))
        if operator == "*" and _whole(left) and _whole(right) and left and right:
            _check_digits("a product", math.log10(abs(left)) + math.log10(abs(right)))
        size = _repeated_size(left, right) if operator == "*" else None
        if size is None and operator == "*":
            size = _repeated_size(right, left)
        if size is not None and size > limits.MAX_TEMPLATE_OUTPUT:
            raise SecurityError(
                f"repeating that makes {size:,} items; a template's values hold at most"
                f" {limits.MAX_TEMPLATE_OUTPUT:,}"
                if size.bit_length() <= 64
                else "repeating that makes too many items for a template"
            )
        return super().call_binop(context, operator, left, right)


def _check_digits(what: str, digits: float) -> None:
    if digits > limits.MAX_TEMPLATE_DIGITS:
        raise SecurityError(
            f"{what} of {math.ceil(digits):,} digits; a template's numbers have at most"
            f" {limits.MAX_TEMPLATE_DIGITS:,}"
        )


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _repeated_size(sequence: Any, times: Any) -> int | None:
    if isinstance(sequence, (str, list, tuple)) and _whole(times):
        return int(len(sequence) * max(times, 0))
    return None


def _range(*args: int) -> range:
    found = range(*args)
    if len(found) > limits.MAX_TEMPLATE_RANGE:
        raise SecurityError(
            f"range of {len(found):,} numbers; a template's ranges hold at most"
            f" {limits.MAX_TEMPLATE_RANGE:,}"
        )
    return found


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    if n > limits.MAX_TEMPLATE_RANGE // 1000 or max > 1000:
        raise SecurityError("lipsum: at most 100 paragraphs of at most 1,000 words")
    return str(generate_lorem_ipsum(n, html, min, max))


def _environment(template_dir: Path | None) -> SandboxedEnvironment:
    loaders: list[Any] = [PackageLoader("tracker.render", "templates")]
    if template_dir is not None:
        loaders.insert(0, FileSystemLoader(template_dir))
    env = _Sandbox(
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
    env.globals.update(passive=views.PASSIVE, range=_range, lipsum=_lipsum)
    return env


def render(context: Report, template: Path | None = None) -> str:
    """The report as Markdown, from the shipped template or the file `template`,
    rendered in a process bounded in time and memory (limits.MAX_TEMPLATE_*)."""
    where = str(template or DEFAULT_TEMPLATE)

    def work() -> str:
        env = _environment(template.parent if template else None)
        loaded = env.get_template(template.name if template else DEFAULT_TEMPLATE)
        return loaded.render(report=context, **vars(context))

    def describe(exc: BaseException) -> str:
        if isinstance(exc, UnicodeDecodeError):
            return f"template {where}: not UTF-8"
        line = getattr(exc, "lineno", None) or _template_line(exc, where)
        at = f"template {where}{f':{line}' if line else ''}"
        if isinstance(exc, RecursionError):
            return f"{at}: calls itself too deeply (a macro or include that never stops)"
        if isinstance(exc, TemplateError):
            return f"{at}: {exc}"
        return f"{at}: {type(exc).__name__}: {exc}"

    # The bound grows with what the report holds, not with what the template does.
    rows = len(context.claims) + len(context.contested) + len(context.sources)
    text = bounded.run(
        work,
        describe,
        what=f"template {where}",
        seconds=limits.MAX_TEMPLATE_SECONDS + rows * limits.MAX_TEMPLATE_SECONDS_PER_ROW,
        memory=limits.MAX_TEMPLATE_MEMORY + rows * limits.MAX_TEMPLATE_MEMORY_PER_ROW,
    )
    # One newline at the end, none doubled by the template's blank lines.
    return text.rstrip("\n") + "\n"


def _template_line(exc: BaseException, where: str) -> int | None:
    """The template line a runtime error happened on: Jinja2 rewrites the
    traceback so that the template's frames carry its file and lines."""
    name = Path(where).name
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).name == name:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def report(
    session: Session,
    scope: Scope,
    template: Path | None = None,
    generated_at: dt.datetime | None = None,
) -> str:
    """Build and render a report in one call."""
    return render(build_context(session, scope, generated_at), template)
