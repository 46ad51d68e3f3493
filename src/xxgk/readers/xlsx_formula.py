"""The few spreadsheet formulas a report workbook uses, evaluated when the file has no cached result.

A workbook saved by Excel, WPS or LibreOffice stores each formula's last result, and the reader uses
it. One written by a program (openpyxl, xxgk's own `render --to xlsx`) and never opened stores none:
its totals would read as blank. This evaluates what such workbooks hold — SUM, COUNT, COUNTA, IF,
N, ABS, MIN, MAX, ROUND, arithmetic, comparison, `&`, cell references and ranges on any sheet —
and raises `Unsupported` for anything else, so the caller can say the cell could not be read
rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl.utils.cell import column_index_from_string

Scalar = float | str | bool | None  # None: a blank cell
Value = Scalar | list[Scalar]  # a range is a flat list of its cells

_TOKEN = re.compile(r"""
    (?P<string>"(?:[^"]|"")*")
  | (?P<ref>(?:(?:'(?:[^']|'')+'|[A-Za-z0-9_\u3400-\u9fff]+)!)?\$?[A-Za-z]{1,3}\$?\d+)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)
  | (?P<name>[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<op><>|<=|>=|[-+*/&=<>(),:^%])
  | (?P<space>\s+)
""", re.VERBOSE)
_REF = re.compile(r"^(?:(?P<sheet>'(?:[^']|'')+'|[^!]+)!)?\$?(?P<col>[A-Za-z]{1,3})\$?(?P<row>\d+)$")
MAX_DEPTH = 64  # formulas referring to formulas; deeper is a cycle or a crafted file
MAX_RANGE = 10_000  # cells in one range: a report's sums cover a few dozen


class Unsupported(ValueError):
    """The formula uses something this evaluator does not know, or cannot be evaluated."""


@dataclass(frozen=True)
class Ref:
    sheet: str
    row: int
    col: int


# Resolves a cell to its value; the caller evaluates formulas it finds there (recursively).
Lookup = Callable[[Ref], Scalar]


def parse_ref(text: str, sheet: str) -> Ref:
    m = _REF.match(text)
    if m is None:
        raise Unsupported(f"not a reference: {text}")
    name = m.group("sheet")
    if name:
        name = name[1:-1].replace("''", "'") if name.startswith("'") else name
    return Ref(name or sheet, int(m.group("row")), column_index_from_string(m.group("col").upper()))


def _tokens(formula: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(formula):
        m = _TOKEN.match(formula, pos)
        if m is None:
            raise Unsupported(f"cannot read the formula at {formula[pos:pos + 10]!r}")
        pos = m.end()
        kind = m.lastgroup or ""
        if kind != "space":
            out.append((kind, m.group()))
    return out


class _Parser:
    def __init__(self, formula: str, sheet: str, lookup: Lookup):
        self.toks = _tokens(formula.lstrip("="))
        self.i = 0
        self.sheet = sheet
        self.lookup = lookup

    def peek(self) -> str | None:
        return self.toks[self.i][1] if self.i < len(self.toks) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.i >= len(self.toks):
            raise Unsupported("the formula ends early")
        tok = self.toks[self.i]
        if expected is not None and tok[1] != expected:
            raise Unsupported(f"expected {expected!r}, found {tok[1]!r}")
        self.i += 1
        return tok

    def run(self) -> Value:
        value = self.comparison()
        if self.i != len(self.toks):
            raise Unsupported(f"unexpected {self.peek()!r}")
        return value

    def comparison(self) -> Value:
        left = self.concat()
        while self.peek() in ("=", "<>", "<", ">", "<=", ">="):
            op = self.take()[1]
            left = _compare(op, _scalar(left), _scalar(self.concat()))
        return left

    def concat(self) -> Value:
        left = self.additive()
        while self.peek() == "&":
            self.take()
            left = _text(_scalar(left)) + _text(_scalar(self.additive()))
        return left

    def additive(self) -> Value:
        left = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()[1]
            a, b = _number(_scalar(left)), _number(_scalar(self.term()))
            left = a + b if op == "+" else a - b
        return left

    def term(self) -> Value:
        left = self.unary()
        while self.peek() in ("*", "/"):
            op = self.take()[1]
            a, b = _number(_scalar(left)), _number(_scalar(self.unary()))
            if op == "/" and b == 0:
                raise Unsupported("division by zero")
            left = a * b if op == "*" else a / b
        return left

    def unary(self) -> Value:
        if self.peek() in ("-", "+"):
            op = self.take()[1]
            v = _number(_scalar(self.unary()))
            return -v if op == "-" else v
        return self.primary()

    def primary(self) -> Value:
        kind, text = self.take()
        if kind == "number":
            return float(text)
        if kind == "string":
            return text[1:-1].replace('""', '"')
        if kind == "ref":
            start = parse_ref(text, self.sheet)
            if self.peek() == ":":
                self.take()
                end = parse_ref(self.take()[1], start.sheet)
                return self.range(start, end)
            return self.lookup(start)
        if kind == "name":
            upper = text.upper()
            if upper in ("TRUE", "FALSE") and self.peek() != "(":
                return upper == "TRUE"
            self.take("(")
            args: list[Value] = []
            if self.peek() != ")":
                args.append(self.comparison())
                while self.peek() == ",":
                    self.take()
                    args.append(self.comparison())
            self.take(")")
            return _call(upper, args)
        if text == "(":
            value = self.comparison()
            self.take(")")
            return value
        raise Unsupported(f"unexpected {text!r}")

    def range(self, a: Ref, b: Ref) -> list[Scalar]:
        rows = range(min(a.row, b.row), max(a.row, b.row) + 1)
        cols = range(min(a.col, b.col), max(a.col, b.col) + 1)
        if len(rows) * len(cols) > MAX_RANGE:
            raise Unsupported("range too large")
        return [self.lookup(Ref(a.sheet, r, c)) for r in rows for c in cols]


def _scalar(v: Value) -> Scalar:
    if isinstance(v, list):
        if len(v) != 1:
            raise Unsupported("a range where one value is needed")
        return v[0]
    return v


def _number(v: Scalar) -> float:
    if v is None:
        return 0.0
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, (int, float)):
        return float(v)
    try:
        return float(v)
    except ValueError:
        raise Unsupported(f"text {v!r} in arithmetic") from None


def _text(v: Scalar) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


def _compare(op: str, a: Scalar, b: Scalar) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        x: object = _text(a).lower()
        y: object = _text(b).lower()
    else:
        x, y = _number(a), _number(b)
    return {"=": x == y, "<>": x != y, "<": x < y, ">": x > y,  # type: ignore[operator]
            "<=": x <= y, ">=": x >= y}[op]  # type: ignore[operator]


def _flat(args: list[Value]) -> list[tuple[Scalar, bool]]:
    """Every argument value, with whether it came from a range (ranges skip text and blanks)."""
    out: list[tuple[Scalar, bool]] = []
    for a in args:
        if isinstance(a, list):
            out += [(v, True) for v in a]
        else:
            out.append((a, False))
    return out


def _numbers(args: list[Value]) -> list[float]:
    out = []
    for v, ranged in _flat(args):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out.append(float(v))
        elif not ranged:
            out.append(_number(v))
    return out


def _call(name: str, args: list[Value]) -> Value:
    if name == "SUM":
        return sum(_numbers(args))
    if name == "COUNT":
        return float(sum(1 for v, _ in _flat(args)
                         if isinstance(v, (int, float)) and not isinstance(v, bool)))
    if name == "COUNTA":
        return float(sum(1 for v, _ in _flat(args) if v is not None and v != ""))
    if name == "IF":
        if not 1 <= len(args) <= 3:
            raise Unsupported("IF takes one to three arguments")
        cond = _scalar(args[0])
        chosen = args[1] if len(args) > 1 else True
        if not (cond if isinstance(cond, bool) else _number(cond) != 0):
            chosen = args[2] if len(args) > 2 else False
        return chosen
    if name == "N":
        v = _scalar(args[0]) if args else None
        return float(v) if isinstance(v, (int, float)) else 0.0
    if name == "ABS":
        return abs(_number(_scalar(args[0])))
    if name in ("MIN", "MAX"):
        nums = _numbers(args)
        return (min if name == "MIN" else max)(nums) if nums else 0.0
    if name == "ROUND":
        digits = int(_number(_scalar(args[1]))) if len(args) > 1 else 0
        return round(_number(_scalar(args[0])), digits)
    raise Unsupported(f"function {name} is not supported")


def evaluate(formula: str, sheet: str, lookup: Lookup) -> Scalar:
    """The value of `formula` ("=SUM(A1:B2)") on `sheet`; `lookup` gives referenced cells."""
    return _scalar(_Parser(formula, sheet, lookup).run())


__all__ = ["MAX_DEPTH", "Ref", "Scalar", "Unsupported", "evaluate", "parse_ref"]
