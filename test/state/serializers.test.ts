import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appendList, decodeList, encodeList, keyString, keyStringBytes } from '../../src/state/key-encoding.ts';
import { bytesSerializer, float64Serializer, int64Serializer, msgpackSerializer, stringSerializer } from '../../src/state/serializers.ts';

describe('state serializers', () => {
  it('round-trip their values and do not keep references to the input bytes', () => {
    const mp = msgpackSerializer<unknown>();
    const value = { n: 1.5, big: -(2n ** 63n), wide: 10n ** 30n, s: 'ä', bin: new Uint8Array([1, 2]), list: [null, true], when: new Date(5) };
    const bytes = mp.serialize(value);
    const back = mp.deserialize(bytes) as typeof value;
    bytes.fill(0);
    assert.deepEqual({ ...back, bin: [...back.bin] }, { ...value, bin: [1, 2] });
    assert.equal(float64Serializer.deserialize(float64Serializer.serialize(-0)), -0);
    assert.equal(int64Serializer.deserialize(int64Serializer.serialize(-(2n ** 63n))), -(2n ** 63n));
    assert.equal(stringSerializer.deserialize(stringSerializer.serialize('x€')), 'x€');
    const raw = new Uint8Array([9, 8]);
    const copy = bytesSerializer.deserialize(raw);
    raw[0] = 0;
    assert.deepEqual([...copy], [9, 8]);
    // The persistent backend hands Buffers over a reused read buffer: the copy must not be a view of it.
    const read = Buffer.from([7, 6]);
    const fromBuffer = bytesSerializer.deserialize(read);
    read[0] = 0;
    assert.deepEqual([...fromBuffer], [7, 6]);
  });

  it('encode list payloads and key strings reversibly', () => {
    const a = new Uint8Array([1]), b = new Uint8Array([]), c = new Uint8Array([2, 3]);
    assert.deepEqual(decodeList(appendList(encodeList([a]), [b, c])).map((x) => [...x]), [[1], [], [2, 3]]);
    for (const n of [0, 5, 33, 200]) {
      const k = Uint8Array.from({ length: n }, (_, i) => (i * 37) & 0xff);
      assert.equal(keyString(k).length, n);
      assert.deepEqual([...keyStringBytes(keyString(k))], [...k]);
    }
  });
});
