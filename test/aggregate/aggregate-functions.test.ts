import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getAggregateFunction, isAggregateFunction, resolveAggregate } from '../../src/aggregate/aggregate-functions.ts';
import { WeirError } from '../../src/errors/weir-error.ts';
import { DataTypes, formatDataType, notNull, type DataType } from '../../src/types/data-type.ts';

const typeOf = (fn: string, args: DataType[], distinct = false) => formatDataType(resolveAggregate(fn, args, distinct).type);

describe('resolveAggregate: Flink result types', () => {
  it('COUNT is BIGINT NOT NULL with any arguments, including none', () => {
    assert.equal(typeOf('COUNT', []), 'BIGINT NOT NULL');
    assert.equal(typeOf('count', [DataTypes.STRING()]), 'BIGINT NOT NULL');
    assert.equal(typeOf('COUNT', [DataTypes.INT(), DataTypes.DATE()], true), 'BIGINT NOT NULL');
    assert.equal(resolveAggregate('count', [], false).fn, 'COUNT');
  });

  it('SUM keeps integer and floating types and widens DECIMAL to precision 38', () => {
    assert.equal(typeOf('SUM', [DataTypes.INT()]), 'INT');
    assert.equal(typeOf('SUM', [notNull(DataTypes.BIGINT())]), 'BIGINT');
    assert.equal(typeOf('SUM', [DataTypes.TINYINT()]), 'TINYINT');
    assert.equal(typeOf('SUM', [DataTypes.DOUBLE()]), 'DOUBLE');
    assert.equal(typeOf('SUM', [DataTypes.FLOAT()]), 'FLOAT');
    assert.equal(typeOf('SUM', [DataTypes.DECIMAL(10, 2)]), 'DECIMAL(38, 2)');
    assert.equal(typeOf('SUM0', [DataTypes.INT()]), 'INT NOT NULL');
  });

  it('AVG keeps integer types (integer division) and gives DECIMAL(38, max(s, 6))', () => {
    assert.equal(typeOf('AVG', [DataTypes.INT()]), 'INT');
    assert.equal(typeOf('AVG', [DataTypes.BIGINT()]), 'BIGINT');
    assert.equal(typeOf('AVG', [DataTypes.DOUBLE()]), 'DOUBLE');
    assert.equal(typeOf('AVG', [DataTypes.DECIMAL(10, 2)]), 'DECIMAL(38, 6)');
    assert.equal(typeOf('AVG', [DataTypes.DECIMAL(20, 8)]), 'DECIMAL(38, 8)');
  });

  it('MIN/MAX/FIRST_VALUE/LAST_VALUE keep the (nullable) argument type', () => {
    for (const fn of ['MIN', 'MAX', 'FIRST_VALUE', 'LAST_VALUE']) {
      assert.equal(typeOf(fn, [notNull(DataTypes.STRING())]), 'STRING');
      assert.equal(typeOf(fn, [DataTypes.TIMESTAMP(6)]), 'TIMESTAMP(6)');
      assert.equal(typeOf(fn, [DataTypes.DECIMAL(5, 1)]), 'DECIMAL(5, 1)');
      assert.equal(typeOf(fn, [DataTypes.BOOLEAN()]), 'BOOLEAN');
      assert.equal(typeOf(fn, [DataTypes.DATE()]), 'DATE');
    }
    assert.equal(typeOf('FIRST_VALUE', [DataTypes.ARRAY(DataTypes.INT())]), 'ARRAY<INT>');
  });

  it('LISTAGG is STRING with an optional STRING separator', () => {
    assert.equal(typeOf('LISTAGG', [DataTypes.STRING()]), 'STRING');
    assert.equal(typeOf('LISTAGG', [DataTypes.STRING(), notNull(DataTypes.STRING())]), 'STRING');
  });
});

describe('resolveAggregate errors', () => {
  const code = (f: () => unknown, expected: string, message: RegExp) => assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof WeirError);
    assert.equal(e.code, expected);
    assert.match(e.message, message);
    return true;
  });

  it('unknown names are FUNCTION_NOT_FOUND listing the known functions', () => {
    code(() => resolveAggregate('MEDIAN', [DataTypes.INT()], false), 'FUNCTION_NOT_FOUND', /MEDIAN[\s\S]*AVG, COUNT/);
  });

  it('bad argument types are FUNCTION_SIGNATURE with the expected signatures', () => {
    code(() => resolveAggregate('SUM', [DataTypes.STRING()], false), 'FUNCTION_SIGNATURE', /SUM\(STRING\)[\s\S]*SUM\(<NUMERIC>\)/);
    code(() => resolveAggregate('AVG', [DataTypes.INT(), DataTypes.INT()], false), 'FUNCTION_SIGNATURE', /AVG\(<NUMERIC>\)/);
    code(() => resolveAggregate('MAX', [DataTypes.ARRAY(DataTypes.INT())], false), 'FUNCTION_SIGNATURE', /MAX\(<COMPARABLE>\)/);
    code(() => resolveAggregate('LISTAGG', [DataTypes.INT()], false), 'FUNCTION_SIGNATURE', /LISTAGG\(<STRING>, <STRING>\)/);
    code(() => resolveAggregate('COUNT', [], true), 'FUNCTION_SIGNATURE', /COUNT\(DISTINCT \)/);
  });

  it('isAggregateFunction is case-insensitive and knows only aggregates', () => {
    assert.ok(isAggregateFunction('sum') && isAggregateFunction('ListAgg') && isAggregateFunction('FIRST_VALUE'));
    assert.ok(!isAggregateFunction('UPPER') && !isAggregateFunction('ROW_NUMBER'));
    assert.deepEqual(getAggregateFunction('max')?.signatures, ['MAX(<COMPARABLE>)']);
  });
});
