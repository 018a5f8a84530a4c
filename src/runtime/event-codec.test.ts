import { describe, expect, it } from 'vitest';
import { createMessageEvent } from '../events/message.js';
import { createScheduleEvent } from '../events/schedule.js';
import { createStorageEvent } from '../events/storage.js';
import type { MessageEvent } from '../events/message.js';
import { decodeEvent, encodeEvent } from './event-codec.js';

const roundTrip = (value: unknown) => decodeEvent(encodeEvent(value));

describe('event codec', () => {
  it('round-trips a storage event with its Date and a raw provider payload', () => {
    const event = createStorageEvent({
      kind: 'created',
      bucket: 'data',
      key: 'raw/a.png',
      size: 3,
      etag: '"e"',
      time: new Date('2026-01-02T03:04:05.678Z'),
      raw: { Records: [{ eventTime: new Date(0), bytes: new Uint8Array([1, 2]), n: 1 }] },
    });
    const back = roundTrip(event) as typeof event;
    expect(back).toStrictEqual(event);
    const plain = createStorageEvent({ kind: 'deleted', bucket: 'data', key: 'k' });
    expect(roundTrip(plain)).toStrictEqual(plain);
    expect(back.time).toBeInstanceOf(Date);
    expect(back.time.getTime()).toBe(event.time.getTime());
  });

  it('round-trips a message event: binary body, attributes, and working text()/json()', () => {
    const body = new Uint8Array([0, 255, 10, 13, 0x7b]);
    const binary = createMessageEvent({ queue: 'jobs', body, attributes: { a: 'b' }, deliveryCount: 3, raw: { messageId: 'm1' } });
    const back = roundTrip(binary) as MessageEvent;
    expect(back.body).toBeInstanceOf(Uint8Array);
    expect([...back.body]).toEqual([...body]);
    expect(back.attributes).toEqual({ a: 'b' });
    expect(back.deliveryCount).toBe(3);
    expect(back.raw).toEqual({ messageId: 'm1' });
    expect(back.id).toBe(binary.id);
    expect(back.time.getTime()).toBe(binary.time.getTime());

    const json = roundTrip(createMessageEvent({ queue: 'jobs', body: '{"epochs":3}' })) as MessageEvent;
    expect(json.text()).toBe('{"epochs":3}');
    expect(json.json()).toEqual({ epochs: 3 });
  });

  it('round-trips a schedule event and arbitrary direct-invoke payloads', () => {
    const schedule = createScheduleEvent({ cron: '*/5 * * * *', scheduledTime: new Date('2026-05-05T05:05:00Z') });
    expect(roundTrip(schedule)).toEqual(schedule);
    const payload = { n: [1, NaN, Infinity, -Infinity, undefined, null], big: 12345678901234567890n, nested: { when: new Date(5), s: 'x' } };
    expect(roundTrip(payload)).toEqual(payload);
    expect(roundTrip(undefined)).toBeUndefined();
    expect(roundTrip('plain')).toBe('plain');
  });

  it('keeps user objects that use the tag as a key apart from tagged values', () => {
    const tricky = { $polyfaas: 'date', v: '2026-01-01T00:00:00.000Z' };
    expect(roundTrip(tricky)).toEqual(tricky);
    expect(roundTrip({ deep: [tricky] })).toEqual({ deep: [tricky] });
  });

  it('refuses cycles and corrupt text with coded errors', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encodeEvent(cyclic)).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    expect(() => decodeEvent('{not json')).toThrow(expect.objectContaining({ code: 'DataLoss' }));
    expect(() => decodeEvent('{"$polyfaas":"weird"}')).toThrow(expect.objectContaining({ code: 'DataLoss' }));
  });
});
