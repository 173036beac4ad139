import { registerOperator } from '../operator-registry.ts';
import { CalcOperator } from './calc.ts';
import { CollectOperator } from './collect.ts';
import { DistinctOperator } from './distinct.ts';
import { GroupAggregateOperator } from './group-aggregate.ts';
import { JoinOperator } from './join.ts';
import { LimitOperator } from './limit.ts';
import { createRankOperator } from './rank.ts';
import { SinkOperator } from './sink.ts';
import { SortOperator } from './sort.ts';
import { createUdfCallOperator } from './udf-call.ts';
import { UnionOperator } from './union.ts';

/** The built-in operators. Each later capability registers its own kinds the same way. */
registerOperator('calc', (node) => new CalcOperator(node));
registerOperator('udf-call', (node) => createUdfCallOperator(node));
registerOperator('limit', (node) => new LimitOperator(node));
registerOperator('distinct', () => new DistinctOperator());
registerOperator('group-aggregate', (node) => new GroupAggregateOperator(node));
registerOperator('union', () => new UnionOperator());
registerOperator('sink', (node) => new SinkOperator(node));
registerOperator('collect', () => new CollectOperator());
registerOperator('join', (node) => new JoinOperator(node));
registerOperator('rank', (node) => createRankOperator(node));
registerOperator('sort', (node) => new SortOperator(node));
