import { registerOperator } from '../operator-registry.ts';
import { CalcOperator } from './calc.ts';
import { CollectOperator } from './collect.ts';
import { DistinctOperator } from './distinct.ts';
import { LimitOperator } from './limit.ts';
import { SinkOperator } from './sink.ts';
import { createUdfCallOperator } from './udf-call.ts';
import { UnionOperator } from './union.ts';

/** The built-in operators. Each later capability registers its own kinds the same way. */
registerOperator('calc', (node) => new CalcOperator(node));
registerOperator('udf-call', (node) => createUdfCallOperator(node));
registerOperator('limit', (node) => new LimitOperator(node));
registerOperator('distinct', () => new DistinctOperator());
registerOperator('union', () => new UnionOperator());
registerOperator('sink', (node) => new SinkOperator(node));
registerOperator('collect', () => new CollectOperator());
