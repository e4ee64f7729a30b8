"""The Jinja environment that turns a report's context into Markdown.

Templates are sandboxed (:class:`jinja2.sandbox.ImmutableSandboxedEnvironment`):
a template cannot reach Python internals, read files, run code or change the
data it is given (every context is also deep-frozen per render, so nothing one
report's template does can reach another report). Undefined variables are
errors (:class:`jinja2.StrictUndefined`).

The loader searches the user's ``--templates`` folder first and the built-in
templates after, so a user's file of the same name wins, and a user's
``collector.md.j2`` can extend the built-in ``base.md.j2`` or replace one block
of it. Template files are read only from inside their folder: a link (file or
subfolder) that leads out of it is refused.

A template runs under limits (:data:`TIME_LIMIT_SECONDS`,
:data:`OUTPUT_LIMIT_CHARS`, :data:`VALUE_LIMIT_CHARS`): operators, calls and
filters that could build a huge value check their operands *before* computing,
loops and calls check a deadline, and on the main thread a timer interrupts
anything else that runs too long.

Every failure becomes a :class:`~reportgen.errors.TemplateError` naming the
template, the line and (for an unknown variable) the variable.
"""

from __future__ import annotations

import functools
import os
import re
import signal
import string
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from pathlib import Path
from types import BuiltinMethodType, MappingProxyType
from typing import Any, NoReturn

import jinja2
from jinja2 import nodes
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter, SecurityError
from jinja2.utils import Namespace
from jinja2.visitor import NodeTransformer

from reportgen.errors import TemplateError
from reportgen.narrative.formatting import Formatter
from reportgen.resources import templates_dir

TEMPLATE_SUFFIX = ".md.j2"

# Limits, generous for real reports (a year-end review renders in well under
# 100 ms and writes about 20,000 characters); see docs/templates.md.
TIME_LIMIT_SECONDS = 10.0
OUTPUT_LIMIT_CHARS = 5_000_000
# No single value (string, list, printed expression) may be larger than the
# whole report may be.
VALUE_LIMIT_CHARS = OUTPUT_LIMIT_CHARS
# Whole numbers beyond this many bits (about 4,900 digits) are never figures.
INT_LIMIT_BITS = 16_384
TEMPLATE_FILE_LIMIT_BYTES = 1_000_000


class TemplateLimitError(Exception):
    """A template went over a limit; turned into a TemplateError at the render boundary.

    A plain Exception (not a TemplateError) so that Jinja rewrites its traceback
    to template lines, as it does for any error raised inside a template.
    """


class TemplateOutsideFolder(jinja2.TemplateError):
    """A template path that resolves outside its folder, or is no regular file.

    Not a TemplateNotFound: the search must stop here, not fall through to the
    built-in template of the same name as if nothing had happened.
    """


# ---------------------------------------------------------------------------
# The environment


def make_environment(
    language: str, formatter: Formatter, user_dir: Path | None
) -> GuardedEnvironment:
    """A sandboxed environment searching ``user_dir/<language>`` then the built-in templates."""
    builtin = ContainedLoader(templates_dir() / language, root=templates_dir())
    loaders: list[jinja2.BaseLoader] = []
    if user_dir is not None:
        loaders.append(ContainedLoader(Path(user_dir) / language, root=Path(user_dir)))
    # "builtin/<name>" always means the built-in file, so a user's template of the
    # same name can extend the one it replaces and override a single block.
    loaders += [jinja2.PrefixLoader({"builtin": builtin}), builtin]
    env = GuardedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown, not HTML; table cells are escaped where they are built
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(_filters(formatter))
    return env


class GuardedEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox plus size checks before costly operations and a deadline."""

    # Operators that can build a huge value from small operands.
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, finalize=_finalize, **kwargs)
        # lipsum(n) writes text of any size and no report needs it.
        self.globals.pop("lipsum", None)
        self.filters = {name: _guard_filter(name, f) for name, f in self.filters.items()}

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        # Every loop's iterable and every '~' go through the guards below.
        tree = _GuardNodes().visit(super()._parse(source, name, filename))
        tree.set_environment(self)
        return tree

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        _check_deadline()
        _check_binop(operator, left, right)
        result = super().call_binop(context, operator, left, right)
        _check_value(result)
        return result

    def getattr(self, obj: Any, attribute: str) -> Any:
        _check_deadline()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _check_deadline()
        return super().getitem(obj, argument)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        formatter = super().wrap_str_format(value)
        if formatter is None:
            return None
        pattern, by_map = value.__self__, value.__name__ == "format_map"
        fields = SandboxedFormatter(self)

        @functools.wraps(formatter)
        def checked(*args: Any, **kwargs: Any) -> str:
            if by_map:
                _check_str_format(pattern, fields, (), args[0] if args else {})
            else:
                _check_str_format(pattern, fields, args, kwargs)
            return formatter(*args, **kwargs)

        return checked

    def call(
        __self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any
    ) -> Any:  # noqa: N805
        _check_deadline()
        if isinstance(__obj, BuiltinMethodType):
            owner = __obj.__self__
            if isinstance(owner, str | bytes):
                args = _check_str_method(__obj.__name__, owner, args, kwargs)
            elif _is_int(owner) and __obj.__name__ == "to_bytes":
                _check_to_bytes(args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        _check_value(result)
        return result

    def guarded_iter(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """What every ``{% for %}`` loops over: the deadline is checked as it goes."""
        for count, item in enumerate(iterable):
            if not count & 255:
                _check_deadline()
            yield item

    def guarded_concat(self, *parts: Any) -> str:
        """``a ~ b``: refused before joining when the result would be too long."""
        texts = [str(part) for part in parts]
        if sum(map(len, texts)) > VALUE_LIMIT_CHARS:
            _refuse_size("joining text with '~'")
        return "".join(texts)


class _GuardNodes(NodeTransformer):
    """Route loops and '~' through the environment's guards (compiled in, so always on)."""

    def visit_For(self, node: nodes.For) -> nodes.Node:  # noqa: N802 - Jinja's visitor naming
        node = self.generic_visit(node)
        node.iter = _guard_call("guarded_iter", [node.iter], node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:  # noqa: N802
        node = self.generic_visit(node)
        return _guard_call("guarded_concat", list(node.nodes), node.lineno)


def _guard_call(name: str, args: list[nodes.Expr], lineno: int) -> nodes.Call:
    target = nodes.EnvironmentAttribute(name, lineno=lineno)
    return nodes.Call(target, args, [], None, None, lineno=lineno)


# ---------------------------------------------------------------------------
# Loading: never out of the template folder


class ContainedLoader(jinja2.BaseLoader):
    """Templates of ``folder``; any path resolving outside ``root`` is refused.

    Jinja's FileSystemLoader follows symbolic links wherever they lead, so a
    link in a shared templates folder could make ``{% include %}`` print any
    file the user can read. Here every path is resolved first.
    """

    def __init__(self, folder: Path, root: Path) -> None:
        self.folder = Path(folder)
        self.root = Path(os.path.realpath(root))
        self.searchpath = [str(self.folder)]  # named in "not found" messages

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        shown = self.folder.joinpath(*split_template_path(template))  # refuses '..'
        if not os.path.lexists(shown):
            raise jinja2.TemplateNotFound(template)
        real = Path(os.path.realpath(shown))
        if not _inside(real, self.root):
            raise TemplateOutsideFolder(
                f"template '{template}' ({shown}) leads outside the template folder "
                f"{self.root} (a link?); refused"
            )
        if real.is_dir():
            raise jinja2.TemplateNotFound(template)
        if not real.is_file():
            raise TemplateOutsideFolder(f"template '{template}' ({shown}) is not a regular file")
        return self._read(template, shown, real)

    def _read(self, template: str, shown: Path, real: Path) -> tuple[str, str, Callable[[], bool]]:
        mtime = real.stat().st_mtime
        with real.open("rb") as file:
            data = file.read(TEMPLATE_FILE_LIMIT_BYTES + 1)
        if len(data) > TEMPLATE_FILE_LIMIT_BYTES:
            raise TemplateOutsideFolder(
                f"template '{template}' ({shown}) is larger than "
                f"{TEMPLATE_FILE_LIMIT_BYTES:,} bytes; refused"
            )
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError:
            raise TemplateOutsideFolder(f"{shown}: a template must be UTF-8 text") from None

        def uptodate() -> bool:
            try:
                return real.stat().st_mtime == mtime
            except OSError:
                return False

        return source, str(shown), uptodate


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


# ---------------------------------------------------------------------------
# Limits: a deadline, and sizes checked before a value is built

_DEADLINE: ContextVar[float | None] = ContextVar("template_deadline", default=None)


def _refuse(reason: str) -> NoReturn:
    raise TemplateLimitError(reason)


def _refuse_size(what: str) -> NoReturn:
    _refuse(f"{what} would give more than {VALUE_LIMIT_CHARS:,} characters (the limit)")


def _check_deadline() -> None:
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline:
        _refuse(f"took longer than {TIME_LIMIT_SECONDS:g} seconds (the limit for one report)")


_CONTAINERS = (list, tuple, set, frozenset, dict)
_NESTED = (*_CONTAINERS, Namespace)
_TEXTS = frozenset({str, bytes})
_WHOLE_NUMBERS = frozenset({int, bool})


# At most this many characters for a float printed in a list (``repr``: -1.2345678901234567e-308).
_FLOAT_REPR_CHARS = 24


def _weight(value: Any, budget: int = VALUE_LIMIT_CHARS) -> int:
    """About how many characters ``value`` prints as, counting shared items each time they occur.

    Stops counting once over ``budget``, so checking a huge list costs little.
    Concrete types only (no ABC isinstance): this runs on every printed value.
    Numbers count their digits (a list of 1,000 shared 16,384-bit numbers prints
    4.9 M characters), a ``namespace()`` what it holds (it prints it).
    """
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, Namespace):
        return _weight(value._Namespace__attrs, budget)
    if not isinstance(value, _CONTAINERS):
        return _scalar_weight(value)
    items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
    total = len(items)
    if total > budget:
        return total
    kinds = set(map(type, items))  # a long list holds one kind: counted at C speed
    if kinds <= _TEXTS:
        return total + sum(map(len, items))
    if kinds <= _WHOLE_NUMBERS:
        return total + sum(map(int.bit_length, items)) // 3
    for item in items:
        if total > budget:
            break
        if isinstance(item, str | bytes):
            total += len(item)
        elif isinstance(item, _NESTED):
            total += _weight(item, budget - total)
        elif isinstance(item, int | float):
            total += _scalar_weight(item)
    return total


def _scalar_weight(value: Any) -> int:
    if isinstance(value, float):
        return _FLOAT_REPR_CHARS
    if isinstance(value, int):
        return value.bit_length() // 3  # digits: bits × log10(2) < bits / 3
    return 0


def _check_value(value: Any) -> None:
    if type(value) is str:  # the common case, kept cheap
        if len(value) > VALUE_LIMIT_CHARS:
            _refuse_size("a value")
        return
    if isinstance(value, int) and value.bit_length() > INT_LIMIT_BITS:
        _refuse(f"a whole number larger than {INT_LIMIT_BITS:,} bits")
    if _weight(value) > VALUE_LIMIT_CHARS:
        _refuse_size("a value")


def _finalize(value: Any) -> Any:
    """Every ``{{ expression }}``: refuse a printed value larger than a whole report may be."""
    _check_deadline()
    _check_value(value)
    return value


_SEQUENCES = (str, bytes, list, tuple)


def _check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse ``*``, ``**``, ``+``, ``%`` whose result would be huge, before computing it."""
    if operator == "**":
        _check_power(left, right)
    elif operator == "*":
        _check_product(left, right)
    elif operator == "+" and isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
        if _weight(left) + _weight(right) > VALUE_LIMIT_CHARS:
            _refuse_size("'+'")
    elif operator == "%" and isinstance(left, str | bytes):
        _check_percent(left, right)


def _check_power(base: Any, exponent: Any) -> None:
    if (
        _is_int(base)
        and _is_int(exponent)
        and abs(base) > 1
        and base.bit_length() * exponent > INT_LIMIT_BITS
    ):
        _refuse(f"'**' would give a number larger than {INT_LIMIT_BITS:,} bits")


def _check_product(left: Any, right: Any) -> None:
    if _is_int(left) and _is_int(right):
        if left.bit_length() + right.bit_length() > INT_LIMIT_BITS:
            _refuse(f"'*' would give a number larger than {INT_LIMIT_BITS:,} bits")
        return
    for sequence, times in ((left, right), (right, left)):
        if (
            isinstance(sequence, _SEQUENCES)
            and _is_int(times)
            and max(_weight(sequence), 1) * times > VALUE_LIMIT_CHARS
        ):
            _refuse_size("repeating with '*'")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_NUMBERS_IN_FORMAT = re.compile(r"\d+")
# One '%' conversion: (mapping key), flags, width, .precision, length modifier, type.
_PERCENT_FIELD = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?[-#0 +]*(?P<width>\*|\d+)?"
    r"(?:\.(?P<precision>\*|\d*))?[hlL]?(?P<kind>.)?",
    re.DOTALL,
)
# A float printed with a fixed-point format: up to 309 digits before the point.
_FLOAT_FORMAT_CHARS = 330


def _printed_size(value: Any) -> int:
    """At most about how many characters ``value`` gives in one format field."""
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, float):
        return _FLOAT_FORMAT_CHARS
    return _weight(value) + 32  # '[', quotes, ', ' and small objects' reprs


def _number(digits: str, values: Iterator[Any] | None = None) -> int:
    """A width or precision written in a format, or taken from the values for '*'."""
    if digits == "*" and values is not None:
        given = next(values, 0)
        return given if _is_int(given) else 0
    if len(digits) > len(str(VALUE_LIMIT_CHARS)):
        return VALUE_LIMIT_CHARS + 1
    return int(digits or 0)


def _check_percent(pattern: str | bytes, right: Any) -> None:
    """``pattern % right`` (and the filter ``format``), sized before formatting.

    The estimate is the pattern's length plus, for each conversion, its width,
    its precision and the printed size of its value, so many fields each within
    the limit (``'%s' * 100 % (a, ...)``) cannot add up to gigabytes either.
    """
    text = pattern.decode("latin-1") if isinstance(pattern, bytes) else pattern
    if "%" not in text:
        return
    mapping = right if isinstance(right, Mapping) else None
    values = iter(right if isinstance(right, tuple) else (right,))
    total = len(text)
    for field in _PERCENT_FIELD.finditer(text):
        if field["kind"] == "%":
            continue
        total += _number(field["width"] or "", values)
        total += _number(field["precision"] or "", values)
        key = field["key"]
        if key is not None and mapping is not None:
            name = key.encode("latin-1") if isinstance(pattern, bytes) else key
            if name in mapping:
                total += _printed_size(mapping[name])
            else:  # parsed differently by Python (a key with parentheses): the worst case
                total += max(map(_printed_size, mapping.values()), default=0)
        else:
            total += _printed_size(next(values, ""))
        if total > VALUE_LIMIT_CHARS:
            _refuse_size("formatting")


def _check_str_format(
    pattern: str, fields: string.Formatter, args: tuple, kwargs: Mapping[str, Any]
) -> None:
    """``pattern.format(...)``/``.format_map(...)``, sized before formatting.

    Each field counts the printed size of what it names (looked up as the
    format will, so ``{0.attr}`` and ``{0[key]}`` count the part they print),
    plus any width or precision written in, or given through ``{w}``.
    """
    if "{" not in pattern:
        return
    widest = max((v for v in (*args, *kwargs.values()) if _is_int(v)), default=0)
    sizes: dict[str, int] = {}
    automatic = 0
    total = 0
    for literal, name, spec, _conversion in fields.parse(pattern):
        total += len(literal)
        if name is None:
            continue
        if name == "" or name[0] in ".[":
            name, automatic = f"{automatic}{name}", automatic + 1
        if name not in sizes:
            try:
                sizes[name] = _printed_size(fields.get_field(name, args, kwargs)[0])
            except (LookupError, AttributeError, ValueError, TypeError):
                sizes[name] = 0  # the format itself fails on it, with its own message
        total += sizes[name]
        if spec:
            total += sum(
                min(_number(n), VALUE_LIMIT_CHARS + 1) for n in _NUMBERS_IN_FORMAT.findall(spec)
            )
            total += spec.count("{") * widest
        if total > VALUE_LIMIT_CHARS:
            _refuse_size("formatting")


_WIDTH_METHODS = {"center", "ljust", "rjust", "zfill"}


def _check_str_method(name: str, text: str | bytes, args: tuple, kwargs: dict) -> tuple:
    """``'x'.center(10**9)``, ``.expandtabs``, ``.replace``, ``.join``...: sized first."""
    if name in _WIDTH_METHODS:
        if any(_is_int(v) and v > VALUE_LIMIT_CHARS for v in (*args, *kwargs.values())):
            _refuse_size(f"str.{name}")
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        tab = "\t" if isinstance(text, str) else b"\t"
        if _is_int(size) and len(text) + text.count(tab) * max(size, 0) > VALUE_LIMIT_CHARS:
            _refuse_size("str.expandtabs")
    elif name == "translate" and args and isinstance(text, str):
        _check_translate(text, args[0])
    elif name == "replace" and len(args) >= 2:
        _check_replace(text, args[0], args[1])
    elif name == "join" and args:
        items = list(args[0])
        _check_join(items, text)
        return (items, *args[1:])
    return args


def _check_translate(text: str, table: Any) -> None:
    if isinstance(table, Mapping):
        longest = max((len(v) for v in table.values() if isinstance(v, str)), default=1)
        if len(text) * longest > VALUE_LIMIT_CHARS:
            _refuse_size("str.translate")


def _check_to_bytes(args: tuple, kwargs: dict) -> None:
    length = args[0] if args else kwargs.get("length", 1)
    if _is_int(length) and length > VALUE_LIMIT_CHARS:
        _refuse_size("int.to_bytes")


def _check_replace(text: Any, old: Any, new: Any) -> None:
    if isinstance(text, str | bytes) and type(old) is type(text) and type(new) is type(text):
        growth = max(0, len(new) - len(old))
        occurrences = text.count(old) if old else len(text) + 1
        if len(text) + occurrences * growth > VALUE_LIMIT_CHARS:
            _refuse_size("replace")


def _check_join(items: list[Any], separator: Any) -> None:
    sep = len(separator) if isinstance(separator, str | bytes) else 0
    if _weight(items) + sep * len(items) > VALUE_LIMIT_CHARS:
        _refuse_size("join")


# ---------------------------------------------------------------------------
# Filters


def _guard_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Jinja's built-in filter ``name``, refusing arguments that would make a huge result."""
    skip = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0

    @functools.wraps(function)  # keeps jinja_pass_arg, so Jinja passes what it did before
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _check_deadline()
        value, extras = (
            args[skip] if len(args) > skip else None,
            (*args[skip + 1 :], *kwargs.values()),
        )
        if any(_is_int(v) and v > VALUE_LIMIT_CHARS for v in extras):
            _refuse_size(f"the filter '{name}'")
        args = _check_filter(name, value, args, kwargs, skip)
        result = function(*args, **kwargs)
        _check_value(result)
        return result

    return guarded


def _check_filter(name: str, value: Any, args: tuple, kwargs: dict, skip: int) -> tuple:
    extras = args[skip + 1 :]
    if name == "replace" and len(extras) >= 2:
        _check_replace(value, extras[0], extras[1])
    elif name == "indent" and isinstance(value, str):
        width = extras[0] if extras else kwargs.get("width", 4)
        step = len(width) if isinstance(width, str) else width if _is_int(width) else 0
        lines = value.count("\n") + 1
        if len(value) + max(step, 0) * lines > VALUE_LIMIT_CHARS:
            _refuse_size("the filter 'indent'")
    elif name == "sum":
        start = extras[1] if len(extras) > 1 else kwargs.get("start", 0)
        if not isinstance(start, int | float | Decimal):
            _refuse("the filter 'sum' adds up numbers only (its start must be a number)")
    elif name == "join" and value is not None and not isinstance(value, str):
        items = list(value)
        separator = extras[0] if extras else kwargs.get("d", "")
        if not (len(extras) > 1 or "attribute" in kwargs):
            _check_join(items, separator)
        return (*args[:skip], items, *extras)
    elif name == "format" and isinstance(value, str):
        _check_percent(value, kwargs or tuple(extras))
    elif name == "urlize" and isinstance(value, str):
        _check_urlize(value, extras, kwargs)
    elif name == "tojson":
        indent = extras[0] if extras else kwargs.get("indent")
        if _is_int(indent) and indent > 0:
            _check_layout(value, indent, "the filter 'tojson'")
    elif name == "pprint":
        _check_layout(value, 1, "the filter 'pprint'")
    elif name == "wordwrap" and isinstance(value, str):
        wrap = extras[2] if len(extras) > 2 else kwargs.get("wrapstring") or "\n"
        if len(value) * (1 + len(str(wrap))) > VALUE_LIMIT_CHARS:
            _refuse_size("the filter 'wordwrap'")
    return args


def _check_urlize(value: str, extras: tuple, kwargs: dict) -> None:
    """Every link gets ``target`` and ``rel`` written into it, and its text twice, escaped."""
    names = ("trim_url_limit", "nofollow", "target", "rel")
    given = {**dict(zip(names, extras, strict=False)), **kwargs}
    extra = sum(len(v) for k, v in given.items() if k in ("target", "rel") and isinstance(v, str))
    if 12 * len(value) + (len(value) // 2 + 1) * extra > VALUE_LIMIT_CHARS:
        _refuse_size("the filter 'urlize'")


def _check_layout(value: Any, step: int, what: str) -> None:
    """``pprint`` and ``tojson(indent=...)`` indent every item by its depth."""
    if _layout_weight(value, step, 1, VALUE_LIMIT_CHARS) > VALUE_LIMIT_CHARS:
        _refuse_size(what)


def _layout_weight(value: Any, step: int, level: int, budget: int) -> int:
    if not isinstance(value, _CONTAINERS):
        return _weight(value, budget)
    items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
    total = 2
    for item in items:
        if total > budget:
            break
        total += 2 + step * level + _layout_weight(item, step, level + 1, budget - total)
    return total


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


# ---------------------------------------------------------------------------
# Read-only context


class ReadOnlyError(TypeError):
    """Raised when anything tries to change the data given to a template."""


def _read_only(self: Any, *args: Any, **kwargs: Any) -> NoReturn:
    raise ReadOnlyError("the data given to a template is read-only")


class FrozenDict(dict):
    """A dict a template (or anything it calls) cannot change; prints like a dict."""

    __slots__ = ()
    _refuse = _read_only

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = _refuse  # type: ignore[assignment]
    __ior__ = _refuse  # type: ignore[assignment]


class FrozenList(list):
    """A list a template cannot change; prints like a list."""

    __slots__ = ()
    _refuse = _read_only
    __setitem__ = __delitem__ = append = extend = insert = pop = remove = _refuse  # type: ignore[assignment]
    clear = sort = reverse = __iadd__ = __imul__ = _refuse  # type: ignore[assignment]


_SCALARS = frozenset({str, int, float, bool, type(None)})


def freeze(value: Any) -> Any:
    """A read-only deep copy of ``value``'s containers (scalars and functions are shared).

    Each render gets its own copy, so even a way around the sandbox could only
    change this one report's data, never the model the next report reads.
    """
    kind = type(value)
    if kind in _SCALARS:
        return value
    if isinstance(value, dict | MappingProxyType):
        return FrozenDict({key: freeze(item) for key, item in value.items()})
    if kind is list or isinstance(value, list):
        return FrozenList([freeze(item) for item in value])
    if kind is tuple:  # named tuples keep their type: they are immutable already
        return tuple([freeze(item) for item in value])
    if isinstance(value, set | frozenset):
        return frozenset([freeze(item) for item in value])
    return value


# ---------------------------------------------------------------------------
# Rendering


def render_template(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> str:
    """Render template ``name`` under the limits; any template failure becomes a TemplateError."""
    frozen = freeze(context)
    filename = name
    try:
        # Loading is timed too: compiling folds constant expressions, calling filters.
        with _time_limit():
            template = env.get_template(name)
            filename = template.filename or name
            return _render_bounded(template, frozen, filename)
    except _TEMPLATE_FAILURES as exc:
        raise TemplateError(_describe(exc, env, filename)) from None


# What a template can make go wrong, caught by class at the render boundary: Jinja's
# own errors, the limits, and what an expression or a helper given odd values raises.
_TEMPLATE_FAILURES = (
    jinja2.TemplateError,
    TemplateLimitError,
    RecursionError,
    MemoryError,
    ArithmeticError,
    LookupError,
    TypeError,
    ValueError,
    AttributeError,
    OSError,
)


def _render_bounded(template: jinja2.Template, context: Mapping[str, Any], filename: str) -> str:
    """Stream the output, stopping as soon as it passes the size limit."""
    parts: list[str] = []
    size = 0
    for chunk in template.generate(**context):
        size += len(chunk)
        if size > OUTPUT_LIMIT_CHARS:
            raise TemplateLimitError(
                f"the report would be longer than {OUTPUT_LIMIT_CHARS:,} characters (the limit)"
            )
        parts.append(chunk)
    return "".join(parts)


@contextmanager
def _time_limit() -> Iterator[None]:
    """The deadline the guards check, and on the main thread a timer as a backstop.

    The guards run between template operations; the timer also interrupts a
    long stretch of Python code inside one of them. (Signals only reach the
    main thread; archive workers render in their process's main thread.)
    """
    token = _DEADLINE.set(time.monotonic() + TIME_LIMIT_SECONDS)
    previous = _start_alarm()
    try:
        yield
    finally:
        _stop_alarm(previous)
        _DEADLINE.reset(token)


_NO_ALARM = object()


def _start_alarm() -> Any:
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        return _NO_ALARM
    if signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        return _NO_ALARM  # someone else's timer is running: leave it alone
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    # Repeating: code that catches one interruption (Jinja's constant folding
    # catches every exception) is interrupted again half a second later.
    signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT_SECONDS + 0.5, 0.5)
    return previous


def _stop_alarm(previous: Any) -> None:
    if previous is _NO_ALARM:
        return
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


def _on_alarm(signum: int, frame: Any) -> None:
    if _DEADLINE.get() is not None:
        _refuse(f"took longer than {TIME_LIMIT_SECONDS:g} seconds (the limit for one report)")


def _describe(exc: BaseException, env: jinja2.Environment, filename: str) -> str:
    """The one-line message for a template failure: template file, line, what went wrong."""
    file, line = _template_frame(exc)
    where = f"{file}, line {line}" if file != "?" else filename
    if isinstance(exc, jinja2.TemplateSyntaxError):
        source = exc.filename or exc.name or filename
        return f"{source}, line {exc.lineno}: template syntax error: {exc.message}"
    if isinstance(exc, jinja2.TemplateNotFound):
        prefix = f"{where}: " if file != "?" else ""
        return f"{prefix}template '{exc.name}' not found (searched {_search(env)})"
    if isinstance(exc, SecurityError):  # before UndefinedError: the sandbox raises it as one
        return f"{where}: not allowed in a template (sandboxed): {exc}"
    if isinstance(exc, jinja2.UndefinedError):
        return f"{where}: unknown variable {_variable(str(exc))} ({exc.message})"
    if isinstance(exc, TemplateLimitError | TemplateOutsideFolder):
        return f"{where}: {exc}"
    if isinstance(exc, RecursionError):
        return f"{where}: macros or includes call themselves too deeply (recursion)"
    if isinstance(exc, MemoryError):
        return f"{where}: ran out of memory"
    if isinstance(exc, ReadOnlyError):
        return f"{where}: not allowed in a template: {exc}"
    return f"{where}: {type(exc).__name__}: {exc}"


def _search(env: jinja2.Environment) -> str:
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
