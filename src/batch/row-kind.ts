/** Changelog row kinds, with Flink's byte values. */
export const RowKind = {
  INSERT: 0,
  UPDATE_BEFORE: 1,
  UPDATE_AFTER: 2,
  DELETE: 3,
} as const;

export type RowKind = (typeof RowKind)[keyof typeof RowKind];

/** Flink's short strings: +I, -U, +U, -D. */
export const ROW_KIND_SHORT = ['+I', '-U', '+U', '-D'] as const;

/** True for kinds that add a row to the materialised table (+I, +U). */
export const isAccumulate = (kind: number): boolean => kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER;
