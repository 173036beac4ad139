import { createReadStream } from 'node:fs';

/** One record of a text file: its text, 1-based line number and byte offset of its first byte. */
export interface TextRecord {
  readonly text: string;
  readonly line: number;
  readonly offset: number;
  /** Where the next record starts: the byte offset after this record's line end, and its line number. */
  readonly end: number;
  readonly nextLine: number;
}

/** A place in a text file to start reading at: a record's first byte and its line number. */
export interface RecordStart {
  readonly offset: number;
  readonly line: number;
}

/**
 * Streams the records of a text file in chunks (never the whole file in memory). A record ends at a newline outside
 * double quotes when `quote` is given (RFC 4180 fields may contain newlines), else at every newline. CRLF is
 * accepted; a UTF-8 BOM at the start is skipped. Reading starts at `from` (a record boundary, e.g. a previous
 * record's `end`) when given.
 */
export async function* readRecords(path: string, quote?: string, signal?: AbortSignal, from?: RecordStart): AsyncGenerator<TextRecord> {
  const quoteByte = quote ? quote.charCodeAt(0) : -1;
  let pending: Buffer = Buffer.alloc(0);
  let pendingOffset = from?.offset ?? 0; // byte offset of pending[0] in the file
  let line = from?.line ?? 1;
  let inQuotes = false;
  let scanFrom = 0;
  let first = pendingOffset === 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal, start: pendingOffset })) {
    let buf = chunk as Buffer;
    if (first) {
      first = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) { buf = buf.subarray(3); pendingOffset = 3; }
    }
    pending = pending.length ? Buffer.concat([pending, buf]) : buf;
    let start = 0;
    let linesInRecord = 0;
    for (let i = scanFrom; i < pending.length; i++) {
      const b = pending[i];
      if (b === quoteByte) inQuotes = !inQuotes;
      else if (b === 10) {
        linesInRecord++;
        if (inQuotes) continue;
        const end = i > start && pending[i - 1] === 13 ? i - 1 : i;
        const nextLine = line + linesInRecord;
        yield { text: pending.toString('utf8', start, end), line, offset: pendingOffset + start, end: pendingOffset + i + 1, nextLine };
        line = nextLine;
        linesInRecord = 0;
        start = i + 1;
      }
    }
    // Lines counted inside an unfinished quoted record are recounted on the next scan.
    pending = pending.subarray(start);
    pendingOffset += start;
    scanFrom = pending.length;
    if (linesInRecord && inQuotes) { scanFrom = 0; inQuotes = false; }
  }
  if (pending.length) {
    const end = pending[pending.length - 1] === 13 ? pending.length - 1 : pending.length;
    yield { text: pending.toString('utf8', 0, end), line, offset: pendingOffset, end: pendingOffset + pending.length, nextLine: line + 1 };
  }
}
