"""SOQL and SOSL text to the AST of ast.py, with Salesforce's MALFORMED_QUERY on bad syntax (SC 5)."""

from __future__ import annotations

import sys
from pathlib import Path as FilePath

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.soql import ast
from alcsim.simulators.salesforce.soql.literals import BadEscape, bad_escape_message, decode, string_offsets
from alcsim.simulators.salesforce.soql.messages import Located, located


def _cache_file() -> str | bool:
    """Where Lark keeps the grammar's analysis: each new process (every subprocess a test or a topology
    starts) loads it in a tenth of the time it takes to build. Lark stores the grammar's hash in the file and
    rebuilds on a change. The file is a pickle, so it lives in the user's own cache folder, not a shared /tmp."""
    try:
        # Beside tls/ and runs/ (common/tls.py, topology/remote.py).
        folder = FilePath.home() / ".cache" / "alcsim"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # no home folder, or a read-only one: build the grammar each time
        return False
    return str(folder / f"soql-grammar-py{sys.version_info[0]}{sys.version_info[1]}.lark")


# The grammar is compiled once; a compiled LALR table is read-only, so sharing it keeps no state.
GRAMMAR = Lark(
    (FilePath(__file__).parent / "soql.lark").read_text(encoding="utf-8"),
    start=["query", "search"],
    parser="lalr",
    cache=_cache_file(),
    maybe_placeholders=False,
    lexer_callbacks={"NAME": lambda token: _reserved(token)},
)
# Words a name may not be: the contextual lexer lets them through where only a name fits. GROUP and
# ORDER stay usable as names, since Group and Order are objects (`SELECT Id FROM Group`).
RESERVED = {
    "and",
    "asc",
    "desc",
    "excludes",
    "first",
    "from",
    "having",
    "in",
    "includes",
    "last",
    "like",
    "limit",
    "not",
    "null",
    "nulls",
    "or",
    "select",
    "where",
    "with",
    "by",
    "offset",
    "true",
    "false",
}
MAX_SOQL_LENGTH = 100_000  # a real org refuses longer statements (SOQL limits: 100,000 characters)
TOO_LONG = "Query is either selecting too many fields or the filter conditions are too complicated."
# LIMIT, OFFSET and the n of `LAST_N_DAYS:n` are Java ints on a real org; a longer number is refused as
# Integer.parseInt refuses it (docs/assumptions.md, "Numbers too large for SOQL").
JAVA_INT_MAX = 2**31 - 1
# Number literals compared with fields: within SQLite's 64-bit integers they stay exact, beyond it
# they are compared as doubles (Salesforce's number fields hold at most 18 digits, SC 4 `precision`).
SQLITE_INT_MAX = 2**63 - 1


def _reserved(token: Token) -> Token:
    """A reserved word is a keyword even where only a name fits, so `SELECT FROM` fails at FROM."""
    if token.value.lower() in RESERVED:
        token.type = token.value.upper()
    return token


def _pos(token: Token) -> ast.Pos:
    return ast.Pos(token.line or 1, token.column or 1)


def java_int(text: str) -> int | None:
    """`text` as a Java int, or None when it does not fit; never converts a huge digit string."""
    digits = text.lstrip("+")
    if not digits.isdigit() or len(digits) > 10:
        return None
    value = int(digits)
    return value if value <= JAVA_INT_MAX else None


def number_value(text: str) -> int | float:
    """A number literal's value; past 64-bit integers (or 18 digits) it is a double, as Python's int()
    refuses digit strings over 4,300 characters and SQLite cannot bind a larger int."""
    if any(c in text for c in ".eE") or len(text.lstrip("+-")) > 18:
        return float(text)
    return int(text)


def _token_text(token: Token) -> str:
    if token.type == "$END":
        return "<EOF>"
    # The AND/OR clash is reported bare (SC 5, AND/OR); other tokens are quoted as the org quotes them.
    if token.type in ("AND", "OR"):
        return token.value.upper()
    return f"'{token.value}'"


class _Builder:
    def __init__(self, text: str, number_strings: bool = True):
        self.text = text
        self.errors = Located(text)
        # String literals are numbered in text order so a cached plan can bind another text's values.
        self.string_numbers = string_offsets(text) if number_strings else {}

    # -- names ---------------------------------------------------------------------------------------
    def name(self, token: Token) -> str:
        if token.value.lower() in RESERVED:
            raise self.errors.malformed(_pos(token), f"unexpected token: {_token_text(token)}")
        return token.value

    def path(self, tree: Tree) -> ast.Path:
        return ast.Path([self.name(t) for t in tree.children], [_pos(t) for t in tree.children])

    def function(self, children: list) -> ast.Function:
        name, rest = children[0], children[1:]
        path = self.path(rest[0]) if rest and isinstance(rest[0], Tree) else None
        return ast.Function(name.value.upper(), path, _pos(name))

    # -- queries -------------------------------------------------------------------------------------
    def query(self, tree: Tree) -> ast.Query:
        parts = {c.data: c for c in tree.children if isinstance(c, Tree)}
        names = parts["sobject_name"].children
        query = ast.Query(
            items=[self.item(i) for i in parts["select_list"].children],
            sobject=self.name(names[0]),
            sobject_pos=_pos(names[0]),
            alias=self.name(names[1]) if len(names) > 1 else None,
        )
        if "where" in parts:
            query.where = self.condition(parts["where"].children[0])
        if "with_clause" in parts:
            # Field-level security modes change nothing for the fake's users, who see every field.
            mode = parts["with_clause"].children[0]
            if mode.value.upper() not in ("SECURITY_ENFORCED", "USER_MODE", "SYSTEM_MODE"):
                raise self.errors.malformed(_pos(mode), f"unexpected token: '{mode.value}'")
        if "group_by" in parts:
            query.group_by = [self.path(p) for p in parts["group_by"].children]
        if "having" in parts:
            query.having = self.condition(parts["having"].children[0])
        if "order_by" in parts:
            query.order_by = [self.order_key(k) for k in parts["order_by"].children]
        for clause in ("limit", "offset"):
            if clause in parts:
                token = parts[clause].children[0]
                if not token.value.isdigit():
                    raise self.errors.malformed(_pos(token), f"unexpected token: '{token.value}'")
                value = java_int(token.value)
                if value is None and clause == "offset":
                    # Any OFFSET past 2,000 is NUMBER_OUTSIDE_VALID_RANGE, however large (SC 5).
                    value = JAVA_INT_MAX
                if value is None:
                    raise self.errors.malformed(_pos(token), f'For input string: "{_clip(token.value)}"')
                setattr(query, clause, value)
                setattr(query, f"{clause}_pos", _pos(token))
        return query

    def item(self, tree: Tree):
        children = tree.children
        if tree.data == "field_item":
            alias = children[1] if len(children) > 1 else None
            return ast.FieldItem(
                self.path(children[0]), self.name(alias) if alias else None, _pos(alias) if alias else None
            )
        if tree.data == "function_item":
            alias = children[-1] if len(children) > 1 and isinstance(children[-1], Token) else None
            function = self.function(children[:-1] if alias is not None else children)
            return ast.FunctionItem(
                function, self.name(alias) if alias else None, _pos(alias) if alias else None
            )
        if tree.data == "typeof_item":
            return self.typeof(children)
        subquery = children[0]
        first = next(subquery.scan_values(lambda v: isinstance(v, Token)))
        return ast.SubqueryItem(self.query(subquery), _pos(first))

    def typeof(self, children: list) -> ast.TypeofItem:
        relationship, whens, otherwise = children[0], [], []
        for part in children[1:]:
            if part.data == "typeof_when":
                name = part.children[0]
                whens.append((self.name(name), _pos(name), [self.path(p) for p in part.children[1:]]))
            else:
                otherwise = [self.path(p) for p in part.children]
        return ast.TypeofItem(self.name(relationship), _pos(relationship), whens, otherwise)

    def order_key(self, tree: Tree) -> ast.OrderKey:
        operand = self.operand(tree.children[0])
        key = ast.OrderKey(operand)
        for child in tree.children[1:]:
            if isinstance(child, Token):
                key.descending = child.value.upper() == "DESC"
            else:
                key.nulls_first = child.children[0].value.upper() == "FIRST"
        return key

    def operand(self, node) -> ast.Path | ast.Function:
        if node.data == "function_operand":
            return self.function(node.children)
        return self.path(node)

    # -- conditions ----------------------------------------------------------------------------------
    def condition(self, tree: Tree):
        kind, children = tree.data, tree.children
        if kind in ("and_chain", "or_chain"):
            return ast.Chain("AND" if kind == "and_chain" else "OR", [self.condition(c) for c in children])
        if kind == "not_condition":
            return ast.Not(self.condition(children[0]))
        operand = self.operand(children[0])
        if kind == "compare":
            return ast.Compare(operand, children[1].value, self.literal(children[2]))
        if kind == "like":
            return ast.Like(operand, self.literal(children[1]))
        if kind in ("in_list", "not_in_list"):
            return ast.InList(operand, [self.literal(v) for v in children[1].children], kind == "not_in_list")
        if kind in ("semi_join", "anti_join"):
            return ast.SemiJoin(operand, self.query(children[1]), kind == "anti_join")
        return ast.Includes(operand, [self.literal(v) for v in children[1].children], kind == "excludes")

    def literal(self, tree: Tree) -> ast.Literal:
        kind = tree.data
        if kind in ("true", "false", "null"):
            token = tree.children[0]
            value = {"true": True, "false": False}.get(kind)
            return ast.Literal("boolean" if kind != "null" else "null", value, _pos(token), token.value)
        token = tree.children[0]
        pos = _pos(token)
        if kind == "string":
            plain, like = self.string(token)
            index = self.string_numbers.get(token.start_pos)
            return ast.Literal("string", plain, pos, token.value, like=like, index=index)
        if kind == "number":
            return ast.Literal("number", number_value(token.value), pos, token.value)
        if kind in ("date", "datetime"):
            return ast.Literal(kind, token.value, pos, token.value)
        argument = None
        if len(tree.children) > 1:
            number = tree.children[1]
            if not number.value.lstrip("+").isdigit():
                raise self.errors.malformed(_pos(number), f"unexpected token: '{number.value}'")
            argument = java_int(number.value)
            if argument is None:
                raise self.errors.malformed(_pos(number), f'For input string: "{_clip(number.value)}"')
        return ast.Literal("date_literal", token.value.upper(), pos, token.value, argument=argument)

    def string(self, token: Token) -> tuple[str, str]:
        body = token.value[1:-1]
        try:
            return decode(body)
        except BadEscape as exc:
            raise self.errors.malformed(_pos(token), bad_escape_message(body, str(exc))) from None


def _clip(text: str, length: int = 40) -> str:
    return text if len(text) <= length else text[:length] + "..."


def check_length(text: str) -> None:
    """The 100,000-character limit, checked before the plan cache is consulted (SOQL and SOSL limits)."""
    if isinstance(text, str) and len(text) > MAX_SOQL_LENGTH:
        raise errors.MalformedQuery(TOO_LONG)


def _syntax_error(text: str, exc: UnexpectedInput) -> errors.SalesforceError:
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        if token.type == "$END":
            lines = text.split("\n")
            pos = ast.Pos(len(lines), len(lines[-1]) + 1)
            return errors.MalformedQuery(located(text, pos, "unexpected token: <EOF>"))
        return errors.MalformedQuery(located(text, _pos(token), f"unexpected token: {_token_text(token)}"))
    if isinstance(exc, UnexpectedCharacters):
        pos = ast.Pos(exc.line, exc.column)
        char = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
        return errors.MalformedQuery(located(text, pos, f"unexpected token: '{char}'"))
    if isinstance(exc, UnexpectedEOF):
        lines = text.split("\n")
        return errors.MalformedQuery(
            located(text, ast.Pos(len(lines), len(lines[-1]) + 1), "unexpected token: <EOF>")
        )
    return errors.MalformedQuery(located(text, ast.Pos(1, 1), "unexpected token"))


def parse_query(text: str) -> ast.Query:
    if not isinstance(text, str) or not text.strip():
        raise errors.MalformedQuery("A query string has to be specified")
    check_length(text)
    try:
        tree = GRAMMAR.parse(text, start="query")
    except UnexpectedInput as exc:
        raise _syntax_error(text, exc) from None
    return _Builder(text).query(tree)


def parse_search(text: str) -> ast.Search:
    if not isinstance(text, str) or not text.strip():
        raise errors.MalformedSearch("No search term found. The search term must be enclosed in braces.")
    try:
        tree = GRAMMAR.parse(text, start="search")
    except UnexpectedInput as exc:
        error = _syntax_error(text, exc)
        raise errors.MalformedSearch(error.message) from None
    builder = _Builder(text, number_strings=False)
    term_token = tree.children[0]
    search = ast.Search(term_token.value[1:-1], _pos(term_token), "ALL", [])
    for part in tree.children[1:]:
        if part.data == "search_scope":
            search.scope = part.children[0].value.upper()
        elif part.data == "returning":
            for entry in part.children:
                name = entry.children[0]
                query = None
                if len(entry.children) > 1:
                    query = ast.Query(items=[], sobject=name.value, sobject_pos=_pos(name))
                    for sub in entry.children[1:]:
                        if sub.data == "select_list":
                            query.items = [builder.item(i) for i in sub.children]
                        elif sub.data == "where":
                            query.where = builder.condition(sub.children[0])
                        elif sub.data == "order_by":
                            query.order_by = [builder.order_key(k) for k in sub.children]
                        elif sub.data == "limit":
                            query.limit = java_int(sub.children[0].value)
                search.returning.append(ast.Returning(builder.name(name), _pos(name), query))
        elif part.data == "limit":
            search.limit = java_int(part.children[0].value)
    return search
