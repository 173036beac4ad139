import { option, parseDurationOption, parseStringOption } from './configuration.ts';

/**
 * Event-time options, with Flink's keys where Flink has one. docs/event-time.md describes how they act together.
 */
export const TimeOptions = {
  AUTO_WATERMARK_INTERVAL: option('pipeline.auto-watermark-interval', 200,
    'How often a watermark assigner emits its watermark (if it advanced); 0 = after every batch.',
    parseDurationOption('pipeline.auto-watermark-interval')),
  SOURCE_IDLE_TIMEOUT: option('table.exec.source.idle-timeout', 0,
    'A source split (and a source subtask whose splits are all idle) without rows for this long is marked idle, so '
    + 'it no longer holds back the watermark downstream; 0 (the default) never marks a source idle.',
    parseDurationOption('table.exec.source.idle-timeout')),
  LATE_RECORDS_SINK: option('table.exec.late-records.sink', '',
    'Weir-only: the catalog table that late rows (behind the watermark, where an operator can no longer use them) are '
    + 'written to, with the operator name and the row as JSON; empty (the default) drops them and counts them in '
    + 'numLateRecordsDropped.', parseStringOption),
};
