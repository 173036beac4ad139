import pyarrow as pa
import pytest

from weir.types import DataTypes, Row, TypeParseError, format_type, from_arrow, parse_type, to_arrow
from weir.types.arrow import to_arrow_field

CANONICAL = [
    "BOOLEAN", "TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE", "DECIMAL(10, 2)", "DECIMAL(38, 0) NOT NULL",
    "STRING", "VARCHAR(20)", "CHAR(3)", "BYTES", "VARBINARY(8)", "BINARY(4)", "DATE", "TIME", "TIME(3)",
    "TIMESTAMP(3)", "TIMESTAMP(6)", "TIMESTAMP(9) NOT NULL", "TIMESTAMP_LTZ(3)", "TIMESTAMP_LTZ(6)", "ARRAY<STRING>",
    "ARRAY<INT NOT NULL> NOT NULL", "ROW<a INT, b STRING>", "ROW<`a b` INT NOT NULL 'the a', c ARRAY<DOUBLE>>",
    "MAP<STRING, INT>", "MAP<STRING, ROW<x DOUBLE, y DOUBLE>>", "ROW<>",
]


@pytest.mark.parametrize("text", CANONICAL)
def test_canonical_round_trip(text):
    t = parse_type(text)
    assert format_type(t) == text
    assert parse_type(str(t)) == t


@pytest.mark.parametrize("text,canonical", [
    ("bigint", "BIGINT"), ("INTEGER", "INT"), ("DECIMAL", "DECIMAL(10, 0)"), ("DECIMAL(5)", "DECIMAL(5, 0)"),
    ("NUMERIC(12,4)", "DECIMAL(12, 4)"), ("decimal(10, 2) not null", "DECIMAL(10, 2) NOT NULL"),
    ("TIMESTAMP", "TIMESTAMP(6)"), ("TIMESTAMP(3) WITH LOCAL TIME ZONE", "TIMESTAMP_LTZ(3)"),
    ("TIMESTAMP WITH LOCAL TIME ZONE", "TIMESTAMP_LTZ(6)"), ("TIMESTAMP_LTZ", "TIMESTAMP_LTZ(6)"),
    ("TIMESTAMP(3) WITHOUT TIME ZONE", "TIMESTAMP(3)"), ("TIME(0)", "TIME"), ("VARCHAR(2147483647)", "STRING"),
    ("ROW(a INT, b STRING)", "ROW<a INT, b STRING>"), ("DOUBLE PRECISION", "DOUBLE"), ("INT NULL", "INT"),
    (" MAP < STRING , ARRAY<BIGINT> > ", "MAP<STRING, ARRAY<BIGINT>>"),
])
def test_aliases_normalize(text, canonical):
    assert str(parse_type(text)) == canonical


@pytest.mark.parametrize("bad", ["", "BIGGINT", "ARRAY<INT", "MAP<INT>", "DECIMAL(50, 2)", "ROW<a>", "INT NOT",
                                 "VARCHAR(0)", "TIMESTAMP(12)", "INT INT", "TIMESTAMP WITH TIME ZONE", "INT $"])
def test_bad_strings_raise_with_context(bad):
    with pytest.raises((TypeParseError, ValueError)) as exc:
        parse_type(bad)
    assert str(exc.value)


def test_error_message_points_at_offset():
    with pytest.raises(TypeParseError, match="offset 6"):
        parse_type("ARRAY<FOO>")


def test_datatypes_factory_matches_strings():
    assert DataTypes.DECIMAL(10, 2, nullable=False) == parse_type("DECIMAL(10, 2) NOT NULL")
    assert DataTypes.STRING() == parse_type("STRING")
    assert str(DataTypes.VARCHAR(10)) == "VARCHAR(10)"
    assert str(DataTypes.TIMESTAMP()) == "TIMESTAMP(6)"
    assert str(DataTypes.TIMESTAMP_LTZ(3)) == "TIMESTAMP_LTZ(3)"
    assert str(DataTypes.TIMESTAMP_WITH_LOCAL_TIME_ZONE(3)) == "TIMESTAMP_LTZ(3)"
    assert str(DataTypes.TIME()) == "TIME"
    row = DataTypes.ROW([DataTypes.FIELD("a", DataTypes.INT()), DataTypes.FIELD("b", "STRING")])
    assert str(row) == "ROW<a INT, b STRING>"
    assert str(DataTypes.MAP(DataTypes.STRING(), "INT")) == "MAP<STRING, INT>"
    assert str(DataTypes.ARRAY("BIGINT").not_null()) == "ARRAY<BIGINT> NOT NULL"
    assert DataTypes.INT().not_null().nullable() == DataTypes.INT()
    assert DataTypes.INT(False).is_nullable is False
    assert hash(DataTypes.BIGINT()) == hash(parse_type("BIGINT"))


ARROW = [
    ("BOOLEAN", pa.bool_()), ("TINYINT", pa.int8()), ("SMALLINT", pa.int16()), ("INT", pa.int32()),
    ("BIGINT", pa.int64()), ("FLOAT", pa.float32()), ("DOUBLE", pa.float64()),
    ("DECIMAL(10, 2)", pa.decimal128(10, 2)), ("STRING", pa.utf8()), ("BYTES", pa.binary()), ("DATE", pa.date32()),
    ("TIME", pa.time32("ms")), ("TIMESTAMP(3)", pa.timestamp("ms")), ("TIMESTAMP(6)", pa.timestamp("us")),
    ("TIMESTAMP(9)", pa.timestamp("ns")), ("TIMESTAMP_LTZ(3)", pa.timestamp("ms", tz="UTC")),
    ("TIMESTAMP_LTZ(6)", pa.timestamp("us", tz="UTC")), ("ARRAY<STRING>", pa.list_(pa.utf8())),
    ("ROW<a INT, b STRING>", pa.struct([("a", pa.int32()), ("b", pa.utf8())])),
    ("MAP<STRING, INT>", pa.map_(pa.utf8(), pa.int32())),
]


@pytest.mark.parametrize("text,arrow_type", ARROW)
def test_arrow_mapping_both_ways(text, arrow_type):
    assert to_arrow(text) == arrow_type
    assert str(from_arrow(arrow_type)) == text


def test_arrow_nullability_and_widening():
    assert to_arrow_field("x", "BIGINT NOT NULL").nullable is False
    assert to_arrow("ARRAY<INT NOT NULL>").value_field.nullable is False
    assert to_arrow("ROW<a INT NOT NULL>").field(0).nullable is False
    assert str(from_arrow(pa.large_string())) == "STRING"
    assert str(from_arrow(pa.timestamp("s"))) == "TIMESTAMP(0)"
    assert str(from_arrow(pa.int64(), nullable=False)) == "BIGINT NOT NULL"
    assert str(from_arrow(pa.binary(4))) == "BINARY(4)"
    assert to_arrow("VARCHAR(3)") == pa.utf8() and to_arrow("CHAR(3)") == pa.utf8()
    assert to_arrow("TIMESTAMP(0)") == pa.timestamp("ms") and to_arrow("TIMESTAMP(4)") == pa.timestamp("us")


def test_row_surface():
    r = Row(a=1, b="x")
    assert r.a == 1 and r[1] == "x" and r["b"] == "x" and r.as_dict() == {"a": 1, "b": "x"}
    assert Row(1, "x") == (1, "x") and len(Row(1, 2, 3)) == 3
    person = Row("name", "age")
    assert person("Alice", 11).as_dict() == {"name": "Alice", "age": 11}
    assert Row(a=Row(b=2)).as_dict(recursive=True) == {"a": {"b": 2}}
    with pytest.raises(AttributeError):
        _ = r.zzz
    with pytest.raises(RuntimeError):
        r.a = 5
    with pytest.raises(TypeError):
        Row(1).as_dict()
    assert repr(r) == "Row(a=1, b='x')"
    from weir import Row as R1
    from weir.table import Row as R2
    assert R1 is Row and R2 is Row
