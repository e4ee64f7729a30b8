"""The Jinja environment that turns a report's context into Markdown.

Templates are sandboxed (:class:`jinja2.sandbox.SandboxedEnvironment`): a
template cannot reach Python internals, read files or run code. Undefined
variables are errors (:class:`jinja2.StrictUndefined`). The loader searches
the user's ``--templates`` folder first and the built-in templates after, so
a user's file of the same name wins, and a user's ``collector.md.j2`` can
extend the built-in ``base.md.j2`` or replace one block of it.

Every failure becomes a :class:`~reportgen.errors.TemplateError` naming the
template, the line and (for an unknown variable) the variable.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from reportgen.errors import TemplateError
from reportgen.narrative.formatting import Formatter
from reportgen.resources import templates_dir

TEMPLATE_SUFFIX = ".md.j2"


def make_environment(
    language: str, formatter: Formatter, user_dir: Path | None
) -> SandboxedEnvironment:
    """A sandboxed environment searching ``user_dir/<language>`` then the built-in templates."""
    builtin = jinja2.FileSystemLoader(str(templates_dir() / language))
    loaders: list[jinja2.BaseLoader] = []
    if user_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(Path(user_dir) / language)))
    # "builtin/<name>" always means the built-in file, so a user's template of the
    # same name can extend the one it replaces and override a single block.
    loaders += [jinja2.PrefixLoader({"builtin": builtin}), builtin]
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown, not HTML; table cells are escaped where they are built
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(_filters(formatter))
    return env


def strict(function: Callable[..., Any]) -> Callable[..., Any]:
    """Make a filter or helper fail on an undefined argument instead of calling it unknown.

    StrictUndefined only fails when a value is printed, tested or iterated; a
    filter that merely checks ``is_known(value)`` would otherwise turn a typo
    (``m.recoverd_amount``) into "n/a" silently.
    """

    @functools.wraps(function)
    def checked(*args: Any, **kwargs: Any) -> Any:
        for value in (*args, *kwargs.values()):
            if isinstance(value, jinja2.Undefined):
                value._fail_with_undefined_error()
        return function(*args, **kwargs)

    return checked


def _filters(fmt: Formatter) -> dict[str, Callable[..., str]]:
    filters = {
        "money": fmt.money,
        "amount": fmt.amount,
        "wan": fmt.wan,
        "pct": fmt.pct,
        "points": fmt.points,
        "count": fmt.count,
        "counted": fmt.counted,
        "number": fmt.number,
        "date": fmt.date,
    }
    return {name: strict(function) for name, function in filters.items()}


def render_template(env: SandboxedEnvironment, name: str, context: Mapping[str, Any]) -> str:
    """Render template ``name``; any template failure becomes a TemplateError."""
    try:
        template = env.get_template(name)
        return template.render(**context)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or name
        raise TemplateError(
            f"{where}, line {exc.lineno}: template syntax error: {exc.message}"
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template '{exc.name}' not found (searched {_search(env)})") from None
    except jinja2.UndefinedError as exc:
        file, line = _template_frame(exc)
        variable = _variable(str(exc))
        raise TemplateError(
            f"{file}, line {line}: unknown variable {variable} ({exc.message})"
        ) from None
    except SecurityError as exc:
        file, line = _template_frame(exc)
        raise TemplateError(
            f"{file}, line {line}: not allowed in a template (sandboxed): {exc}"
        ) from None
    except (TypeError, ValueError, AttributeError, ArithmeticError) as exc:
        # A filter given the wrong kind of value, or arithmetic on an undefined figure.
        file, line = _template_frame(exc)
        if file == "?":
            raise
        raise TemplateError(f"{file}, line {line}: {type(exc).__name__}: {exc}") from None


def _search(env: SandboxedEnvironment) -> str:
    loaders = getattr(env.loader, "loaders", [])
    paths = [p for loader in loaders for p in getattr(loader, "searchpath", [])]
    return ", ".join(paths)


def _template_frame(exc: BaseException) -> tuple[str, int | str]:
    """The innermost traceback frame that belongs to a template file (Jinja maps its lines)."""
    found: tuple[str, int | str] = ("?", "?")
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _variable(message: str) -> str:
    """The variable or attribute an UndefinedError message names."""
    match = re.search(r"has no attribute '([^']+)'", message) or re.search(
        r"'([^']+)' is undefined", message
    )
    return f"'{match.group(1)}'" if match else "(unknown)"
