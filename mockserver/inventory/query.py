"""The inventory query language: ``$filter=(...)`` and ``$orderby=...`` parsed, then evaluated.

The rules are the ones ``spec/inventory.yaml`` writes down for the ``query`` parameter of
``GET /inventory/managedObjects``. Parsing is an LALR grammar (lark): linear in the length of
the text, no recursion in the parser itself. The tree is then turned into the small typed AST
below, after an iterative walk has refused trees nested deeper than :data:`MAX_DEPTH`, so the
recursive conversion and evaluation never come near Python's recursion limit. Text longer than
:data:`MAX_LENGTH` is refused before parsing. Every refusal is a :class:`~mockserver.errors.BadRequest`
whose message names the 1-based character position.

Evaluation is in :mod:`mockserver.inventory.matching`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from mockserver.errors import BadRequest

RESOURCE = "inventory"
MAX_LENGTH = 8192
MAX_DEPTH = 32

GRAMMAR = r"""
start: filter_clause order_clause?
     | order_clause filter_clause?
     | expr order_clause?

filter_clause: "$filter=" expr
order_clause: "$orderby=" order_key ("," order_key)*
order_key: PATH DIRECTION?

?expr: or_expr
?or_expr: and_expr (_OR and_expr)*
?and_expr: not_expr (_AND not_expr)*
?not_expr: _NOT not_expr -> negation
         | atom
?atom: "(" expr ")"
     | PATH OPERATOR value -> comparison
     | _HAS "(" PATH ")" -> has
     | _BYGROUPID "(" group_id ")" -> bygroupid

group_id: NUMBER | STRING | PATH
value: STRING -> string
     | NUMBER -> number
     | _TRUE -> true
     | _FALSE -> false
     | _NULL -> null
     | PATH -> word

// Keywords are whole words (`equals` is not `eq` followed by `uals`) and reserved.
OPERATOR.2: /(eq|ne|gt|ge|lt|le)\b/
DIRECTION.2: /(asc|desc)\b/
_AND.2: /and\b/
_OR.2: /or\b/
_NOT.2: /not\b/
_HAS.2: /has\b/
_BYGROUPID.2: /bygroupid\b/
_TRUE.2: /true\b/
_FALSE.2: /false\b/
_NULL.2: /null\b/
PATH: /[A-Za-z_][A-Za-z0-9_\-]*(\.[A-Za-z0-9_\-]+)*/
STRING: /'(?:[^']|'')*'/
NUMBER: /[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/

%import common.WS
%ignore WS
%ignore /\+(?=\$orderby=)/
"""

_PARSER = Lark(GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=False)

Operator: TypeAlias = Literal["eq", "ne", "gt", "ge", "lt", "le"]
Scalar: TypeAlias = str | int | float | bool | None


@dataclass(frozen=True)
class Compare:
    """``path op value``; a string value may hold ``*`` wildcards (used by eq and ne only)."""

    path: tuple[str, ...]
    op: Operator
    value: Scalar


@dataclass(frozen=True)
class Has:
    """``has(path)``: the fragment (or nested key) is present."""

    path: tuple[str, ...]


@dataclass(frozen=True)
class ByGroup:
    """``bygroupid(id)``: a child asset of the managed object ``id``."""

    group: str


@dataclass(frozen=True)
class And:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Not:
    item: Expr


Expr: TypeAlias = Compare | Has | ByGroup | And | Or | Not


@dataclass(frozen=True)
class OrderKey:
    path: tuple[str, ...]
    descending: bool = False


@dataclass(frozen=True)
class Query:
    """A parsed query: the filter (None: everything) and the sort keys (empty: by id)."""

    filter: Expr | None = None
    order: tuple[OrderKey, ...] = ()


def _unquote(text: str) -> str:
    return text[1:-1].replace("''", "'")


def _path(token: Token) -> tuple[str, ...]:
    return tuple(str(token).split("."))


def _number(text: str) -> int | float:
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text} is out of range")
    return int(text) if text.lstrip("+-").isdigit() else value


@v_args(inline=True)
class _ToAst(Transformer[Token, Any]):
    """The lark tree as the dataclasses above; only ever run on trees of bounded depth."""

    def start(self, *clauses: Any) -> Query:
        found: dict[str, Any] = {}
        for clause in clauses:
            if isinstance(clause, tuple) and clause[:1] == ("order",):
                found["order"] = clause[1]
            else:
                found["filter"] = clause
        return Query(found.get("filter"), found.get("order", ()))

    def filter_clause(self, expr: Expr) -> Expr:
        return expr

    def order_clause(self, *keys: OrderKey) -> tuple[str, tuple[OrderKey, ...]]:
        return ("order", keys)

    def order_key(self, path: Token, direction: Token | None = None) -> OrderKey:
        return OrderKey(_path(path), descending=direction is not None and str(direction) == "desc")

    def or_expr(self, *items: Expr) -> Or:
        return Or(items)

    def and_expr(self, *items: Expr) -> And:
        return And(items)

    def negation(self, item: Expr) -> Not:
        return Not(item)

    def comparison(self, path: Token, op: Token, value: Scalar) -> Compare:
        operator: Operator = op.value
        return Compare(_path(path), operator, value)

    def has(self, path: Token) -> Has:
        return Has(_path(path))

    def bygroupid(self, group: str) -> ByGroup:
        return ByGroup(group)

    def group_id(self, token: Token) -> str:
        return _unquote(token) if token.type == "STRING" else str(token)

    def string(self, token: Token) -> str:
        return _unquote(token)

    def number(self, token: Token) -> int | float:
        return _number(str(token))

    def true(self) -> bool:
        return True

    def false(self) -> bool:
        return False

    def null(self) -> None:
        return None

    def word(self, token: Token) -> str:
        return str(token)


def _refuse(parameter: str, position: int, what: str) -> BadRequest:
    return BadRequest(
        f"The {parameter} parameter cannot be read at position {position}: {what}.", resource=RESOURCE
    )


_NAMES = {
    "PATH": "a property name",
    "OPERATOR": "an operator (eq, ne, gt, ge, lt, le)",
    "STRING": "a quoted string",
    "NUMBER": "a number",
    "DIRECTION": "asc or desc",
}


def _describe(terminal: str) -> str:
    """A terminal as the message names it: a word for the named ones, else its own text."""
    if terminal in _NAMES:
        return _NAMES[terminal]
    pattern = _PARSER.get_terminal(terminal).pattern
    text = pattern.value.removesuffix("\\b")
    return f"'{text}'"


def _syntax_error(parameter: str, text: str, exc: UnexpectedInput) -> BadRequest:
    if isinstance(exc, UnexpectedEOF):
        return _refuse(parameter, len(text) + 1, "the query ends too early")
    position = (exc.pos_in_stream or 0) + 1
    if isinstance(exc, UnexpectedCharacters):
        return _refuse(parameter, position, f"unexpected character {text[position - 1]!r}")
    if isinstance(exc, UnexpectedToken):
        if exc.token.type == "$END":
            return _refuse(parameter, len(text) + 1, "the query ends too early")
        expected = ", ".join(sorted({_describe(name) for name in exc.expected}))
        return _refuse(parameter, position, f"unexpected {str(exc.token)!r}; expected one of {expected}")
    return _refuse(parameter, position, "unexpected input")


_NESTING = frozenset({"negation", "and_expr", "or_expr"})


def _check_depth(parameter: str, tree: Tree[Token]) -> None:
    """Refuse more than MAX_DEPTH nested not/and/or, walking with an explicit stack."""
    stack: list[tuple[Tree[Token], int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        depth += node.data in _NESTING
        if depth > MAX_DEPTH:
            position = (node.meta.start_pos if not node.meta.empty else 0) + 1
            raise _refuse(parameter, position, f"expressions are nested deeper than {MAX_DEPTH} levels")
        stack.extend((child, depth) for child in node.children if isinstance(child, Tree))


def parse(text: str, *, parameter: str = "query", resource: str = RESOURCE) -> Query:
    """The query ``text`` as a :class:`Query`; BadRequest naming the position when it is not one
    (``resource`` is the API answering, for the error code)."""
    try:
        return _parse(text, parameter)
    except BadRequest as exc:
        exc.resource = resource
        raise


def _parse(text: str, parameter: str) -> Query:
    if len(text) > MAX_LENGTH:
        raise _refuse(parameter, MAX_LENGTH + 1, f"the query is {len(text)} characters; at most {MAX_LENGTH}")
    if not text.strip():
        return Query()
    try:
        tree = _PARSER.parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(parameter, text, exc) from None
    _check_depth(parameter, tree)
    try:
        query: Query = _ToAst().transform(tree)
    except VisitError as exc:
        position = (exc.obj.meta.start_pos if isinstance(exc.obj, Tree) else 0) + 1
        raise _refuse(parameter, position, str(exc.orig_exc)) from None
    return query


DEVICE_FRAGMENT = "c8y_IsDevice"


def from_parameters(query: str | None, q: str | None) -> Query | None:
    """The ``query`` or ``q`` parameter as a Query; ``q`` adds ``has(c8y_IsDevice)``; not both."""
    if query is not None and q is not None:
        raise BadRequest(
            "The parameters query and q were both given; send the query in one of them.", resource=RESOURCE
        )
    if query is not None:
        return parse(query, parameter="query")
    if q is None:
        return None
    parsed = parse(q, parameter="q")
    device = Has((DEVICE_FRAGMENT,))
    return Query(device if parsed.filter is None else And((device, parsed.filter)), parsed.order)
