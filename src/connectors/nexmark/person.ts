import type * as arrow from 'apache-arrow';
import type { RowType } from '../../types/data-type.ts';
import { Int64Column, StringColumn, structData, Validity } from './columns.ts';
import type { EventRng } from './event-rng.ts';
import type { NexmarkText } from './text.ts';
import { FIRST_PERSON_ID, type Timeline } from './timeline.ts';

const encode = (list: string): Uint8Array[] => list.split(',').map((s) => new TextEncoder().encode(s));
/** Few states and cities, so that queries find matches even in small inputs (nexmark's `PersonGenerator`). */
const US_STATES = encode('AZ,CA,ID,OR,WA,WY');
const US_CITIES = encode('Phoenix,Los Angeles,San Francisco,Boise,Portland,Bend,Redmond,Seattle,Kent,Cheyenne');
const FIRST_NAMES = encode('Peter,Paul,Luke,John,Saul,Vicky,Kate,Julie,Sarah,Deiter,Walter');
const LAST_NAMES = encode('Shultz,Abrams,Spencer,White,Bartels,Walton,Smith,Jones,Noris');

/** The person rows of one batch, generated as nexmark's `PersonGenerator.nextPerson` does, field by field. */
export class PersonColumns {
  readonly validity: Validity;
  private readonly id: Int64Column;
  private readonly name: StringColumn;
  private readonly emailAddress: StringColumn;
  private readonly creditCard: StringColumn;
  private readonly city: StringColumn;
  private readonly state: StringColumn;
  private readonly dateTime: Int64Column;
  private readonly extra: StringColumn;

  /** For a batch of `n` rows of which about `expectedRows` are people (sizes the string buffers). */
  constructor(n: number, expectedRows: number, private readonly timeline: Timeline, private readonly text: NexmarkText) {
    const strings = (averageLength: number): StringColumn => new StringColumn(n, expectedRows * averageLength);
    this.validity = new Validity(n);
    this.id = new Int64Column(n);
    this.name = strings(16);
    this.emailAddress = strings(14);
    this.creditCard = strings(19);
    this.city = strings(8);
    this.state = strings(2);
    this.dateTime = new Int64Column(n);
    this.extra = strings(timeline.config.avgPersonByteSize);
  }

  write(row: number, eventId: number, timestamp: number, rng: EventRng): void {
    this.validity.mark(row);
    this.id.set(row, this.timeline.lastBase0PersonId(eventId) + FIRST_PERSON_ID);
    const name = this.writeName(row, rng);
    const email = this.text.writeEmail(this.emailAddress, row, rng);
    const card = this.text.writeCreditCard(this.creditCard, row, rng);
    const city = US_CITIES[rng.nextInt(US_CITIES.length)];
    this.city.append(row, city, 0, city.length);
    const state = US_STATES[rng.nextInt(US_STATES.length)];
    this.state.append(row, state, 0, state.length);
    const currentSize = 8 + name + email + card + city.length + state.length;
    this.text.writeExtra(this.extra, row, rng, currentSize, this.timeline.config.avgPersonByteSize);
    this.dateTime.set(row, timestamp);
  }

  data(type: RowType): arrow.Data {
    const { id, name, emailAddress, creditCard, city, state, dateTime, extra } = this;
    return structData(type, this.validity, { id, name, emailAddress, creditCard, city, state, dateTime, extra });
  }

  /** "First Last" from the two name lists. */
  private writeName(row: number, rng: EventRng): number {
    const first = FIRST_NAMES[rng.nextInt(FIRST_NAMES.length)];
    const last = LAST_NAMES[rng.nextInt(LAST_NAMES.length)];
    const col = this.name;
    let at = col.begin(row, first.length + 1 + last.length);
    const start = at;
    const buf = col.buffer;
    for (let i = 0; i < first.length; i++) buf[at++] = first[i];
    buf[at++] = 0x20;
    for (let i = 0; i < last.length; i++) buf[at++] = last[i];
    col.commit(row, at);
    return at - start;
  }
}
