/**
 * Canonical names the Table API builder and the SQL front end emit for built-in operators and functions
 * (aliases such as CEILING, POW or CHARACTER_LENGTH also resolve). Kept as a literal list so the front ends can
 * depend on it without loading the kernels.
 */
export const BUILTIN_FUNCTION_NAMES = [
  // arithmetic
  '+', '-', '*', '/', '%', 'MOD', 'NEGATE',
  // comparison and logic
  '=', '<>', '<', '<=', '>', '>=', 'AND', 'OR', 'NOT',
  'IS NULL', 'IS NOT NULL', 'IS TRUE', 'IS FALSE', 'IS NOT TRUE', 'IS NOT FALSE',
  'IS DISTINCT FROM', 'IS NOT DISTINCT FROM',
  // conditional
  'IF', 'CASE', 'COALESCE', 'NULLIF', 'IN', 'NOT IN', 'BETWEEN', 'NOT BETWEEN', 'GREATEST', 'LEAST',
  // strings
  'LIKE', 'NOT LIKE', 'SIMILAR TO', 'UPPER', 'LOWER', 'TRIM', 'LTRIM', 'RTRIM', 'CONCAT', '||', 'CONCAT_WS',
  'SUBSTRING', 'CHAR_LENGTH', 'CHARACTER_LENGTH', 'POSITION', 'REPLACE', 'LPAD', 'RPAD', 'INITCAP', 'REVERSE',
  'SPLIT_INDEX', 'REGEXP_REPLACE', 'REGEXP_EXTRACT', 'REGEXP', 'MD5', 'TO_BASE64', 'FROM_BASE64', 'REPEAT',
  'LEFT', 'RIGHT', 'ASCII', 'CHR',
  // math
  'ABS', 'CEIL', 'CEILING', 'FLOOR', 'ROUND', 'TRUNCATE', 'SQRT', 'POWER', 'POW', 'EXP', 'LN', 'LOG10', 'LOG2',
  'LOG', 'SIN', 'COS', 'TAN', 'ASIN', 'ACOS', 'ATAN', 'ATAN2', 'DEGREES', 'RADIANS', 'SIGN', 'PI',
  // date and time
  'CURRENT_DATE', 'CURRENT_TIMESTAMP', 'LOCALTIMESTAMP', 'NOW', 'PROCTIME', 'EXTRACT', 'YEAR', 'QUARTER', 'MONTH', 'WEEK',
  'DAYOFYEAR', 'DAYOFMONTH', 'DAYOFWEEK', 'HOUR', 'MINUTE', 'SECOND', 'DATE_FORMAT', 'TO_DATE', 'TO_TIMESTAMP',
  'TO_TIMESTAMP_LTZ', 'UNIX_TIMESTAMP', 'FROM_UNIXTIME', 'TIMESTAMPADD', 'TIMESTAMPDIFF', 'DATE_ADD', 'DATE_SUB',
  'FLOOR_TIME', 'CEIL_TIME',
  // collections
  'ARRAY', 'MAP', 'ROW', 'CARDINALITY', 'ITEM', 'FIELD',
] as const;

export type BuiltinFunctionName = (typeof BUILTIN_FUNCTION_NAMES)[number];
