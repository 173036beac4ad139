"""Parser for Flink type strings: ``'DECIMAL(10, 2) NOT NULL'``, ``'ROW<a INT, b ARRAY<STRING>>'``, ...

Hand-written recursive descent so error messages can point at the offending position.
"""
from __future__ import annotations

import re
from typing import List, Optional, Tuple

from weir.types.datatypes import (
    MAX_LENGTH, ArrayType, BigIntType, BinaryType, BooleanType, CharType, DataType, DateType, DecimalType,
    DoubleType, FloatType, IntType, LocalZonedTimestampType, MapType, RowField, RowType, SmallIntType, TimeType,
    TimestampType, TinyIntType, VarBinaryType, VarCharType,
)


class TypeParseError(ValueError):
    """A type string that is not valid Flink type syntax (or names a type Weir does not support)."""


_TOKEN = re.compile(r"\s*(?:(`(?:[^`]|``)*`)|('(?:[^']|'')*')|([A-Za-z_][A-Za-z0-9_$]*)|(\d+)|([<>(),]))")

_SIMPLE = {
    "BOOLEAN": BooleanType, "TINYINT": TinyIntType, "SMALLINT": SmallIntType, "INT": IntType,
    "INTEGER": IntType, "BIGINT": BigIntType, "FLOAT": FloatType, "REAL": FloatType, "DOUBLE": DoubleType,
    "DATE": DateType,
}


class _Tokens:
    def __init__(self, text: str) -> None:
        self.text = text
        self.items: List[Tuple[str, str, int]] = []  # (kind, value, offset)
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            m = _TOKEN.match(text, pos)
            if not m:
                raise TypeParseError(f"unexpected character {text[pos:].lstrip()[:1]!r} at offset "
                                     f"{len(text) - len(text[pos:].lstrip())} in type string {text!r}")
            quoted, literal, word, number, sym = m.groups()
            start = m.start(m.lastindex or 0)
            if quoted is not None:
                self.items.append(("ident", quoted[1:-1].replace("``", "`"), start))
            elif literal is not None:
                self.items.append(("string", literal[1:-1].replace("''", "'"), start))
            elif word is not None:
                self.items.append(("word", word, start))
            elif number is not None:
                self.items.append(("number", number, start))
            else:
                self.items.append(("sym", sym, start))
            pos = m.end()
        self.i = 0

    def peek(self) -> Optional[Tuple[str, str, int]]:
        return self.items[self.i] if self.i < len(self.items) else None

    def peek_word(self, offset: int = 0) -> Optional[str]:
        j = self.i + offset
        if j < len(self.items) and self.items[j][0] == "word":
            return self.items[j][1].upper()
        return None

    def fail(self, expected: str) -> TypeParseError:
        tok = self.peek()
        where = f"{tok[1]!r} at offset {tok[2]}" if tok else "end of input"
        return TypeParseError(f"expected {expected} but found {where} in type string {self.text!r}")

    def next(self) -> Tuple[str, str, int]:
        tok = self.peek()
        if tok is None:
            raise self.fail("more input")
        self.i += 1
        return tok

    def accept_sym(self, sym: str) -> bool:
        tok = self.peek()
        if tok is not None and tok[0] == "sym" and tok[1] == sym:
            self.i += 1
            return True
        return False

    def expect_sym(self, sym: str) -> None:
        if not self.accept_sym(sym):
            raise self.fail(f"{sym!r}")

    def accept_words(self, *words: str) -> bool:
        if all(self.peek_word(k) == w for k, w in enumerate(words)):
            self.i += len(words)
            return True
        return False

    def number(self) -> int:
        tok = self.peek()
        if tok is None or tok[0] != "number":
            raise self.fail("a number")
        self.i += 1
        return int(tok[1])


def parse_type(text: str) -> DataType:
    """Parses a Flink type string into a DataType; raises TypeParseError with the position on bad input."""
    if isinstance(text, DataType):
        return text
    if not isinstance(text, str):
        raise TypeParseError(f"a type must be a DataType or a type string, got {type(text).__name__}")
    toks = _Tokens(text)
    result = _parse(toks)
    if toks.peek() is not None:
        raise toks.fail("end of type")
    return result


def _optional_args(toks: _Tokens, max_args: int) -> List[int]:
    if not toks.accept_sym("("):
        return []
    args = [toks.number()]
    while len(args) < max_args and toks.accept_sym(","):
        args.append(toks.number())
    toks.expect_sym(")")
    return args


def _parse(toks: _Tokens) -> DataType:
    t = _parse_base(toks)
    if toks.accept_words("NOT", "NULL"):
        return t.not_null()
    toks.accept_words("NULL")
    return t


def _parse_base(toks: _Tokens) -> DataType:
    tok = toks.peek()
    if tok is None or tok[0] != "word":
        raise toks.fail("a type name")
    name = tok[1].upper()
    toks.i += 1
    if name in _SIMPLE:
        if name == "DOUBLE":
            toks.accept_words("PRECISION")
        return _SIMPLE[name]()
    if name in ("DECIMAL", "DEC", "NUMERIC"):
        args = _optional_args(toks, 2)
        return DecimalType(args[0] if args else 10, args[1] if len(args) > 1 else 0)
    if name == "STRING":
        return VarCharType(MAX_LENGTH)
    if name == "BYTES":
        return VarBinaryType(MAX_LENGTH)
    if name in ("CHAR", "VARCHAR", "BINARY", "VARBINARY"):
        args = _optional_args(toks, 1)
        cls = {"CHAR": CharType, "VARCHAR": VarCharType, "BINARY": BinaryType, "VARBINARY": VarBinaryType}[name]
        return cls(args[0] if args else 1)
    if name == "TIME":
        args = _optional_args(toks, 1)
        toks.accept_words("WITHOUT", "TIME", "ZONE")
        return TimeType(args[0] if args else 0)
    if name == "TIMESTAMP":
        args = _optional_args(toks, 1)
        precision = args[0] if args else 6
        if toks.accept_words("WITH", "LOCAL", "TIME", "ZONE"):
            return LocalZonedTimestampType(precision)
        if toks.accept_words("WITH", "TIME", "ZONE"):
            raise TypeParseError(f"TIMESTAMP WITH TIME ZONE is not supported (use TIMESTAMP_LTZ) in {toks.text!r}")
        toks.accept_words("WITHOUT", "TIME", "ZONE")
        return TimestampType(precision)
    if name == "TIMESTAMP_LTZ":
        args = _optional_args(toks, 1)
        return LocalZonedTimestampType(args[0] if args else 6)
    if name == "ARRAY":
        toks.expect_sym("<")
        element = _parse(toks)
        toks.expect_sym(">")
        return ArrayType(element)
    if name == "MAP":
        toks.expect_sym("<")
        key = _parse(toks)
        toks.expect_sym(",")
        value = _parse(toks)
        toks.expect_sym(">")
        return MapType(key, value)
    if name == "ROW":
        return _parse_row(toks)
    raise TypeParseError(f"unknown type {tok[1]!r} at offset {tok[2]} in type string {toks.text!r}")


def _parse_row(toks: _Tokens) -> RowType:
    if toks.accept_sym("<"):
        close = ">"
    elif toks.accept_sym("("):
        close = ")"
    else:
        raise toks.fail("'<' or '(' after ROW")
    fields: List[RowField] = []
    if not toks.accept_sym(close):
        while True:
            tok = toks.next()
            if tok[0] not in ("word", "ident"):
                toks.i -= 1
                raise toks.fail("a field name")
            data_type = _parse(toks)
            desc = None
            nxt = toks.peek()
            if nxt is not None and nxt[0] == "string":
                desc = nxt[1]
                toks.i += 1
            fields.append(RowField(tok[1], data_type, desc))
            if toks.accept_sym(close):
                break
            toks.expect_sym(",")
    return RowType(fields)


def format_type(t: DataType) -> str:
    """Canonical Flink type string of ``t`` (inverse of parse_type)."""
    return t.type_string()
