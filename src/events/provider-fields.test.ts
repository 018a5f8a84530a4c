import { describe, expect, it } from 'vitest';
import { countField, idField, requestTarget, sizeField, stringListMapField, stringMapField, timeField } from './provider-fields.js';
import { createMessageEvent } from './message.js';
import { createScheduleEvent } from './schedule.js';
import { createStorageEvent } from './storage.js';

const invalid = expect.objectContaining({ name: 'PolyfaasError', code: 'InvalidArgument' });

describe('provider field readers', () => {
  it('read timestamps as ISO text or epoch ms, and refuse anything that is not an instant', () => {
    expect(timeField('2024-01-02T03:04:05Z', 't')?.toISOString()).toBe('2024-01-02T03:04:05.000Z');
    expect(timeField('1520621625029', 't')?.getTime()).toBe(1520621625029);
    expect(timeField(1520621625029, 't')?.getTime()).toBe(1520621625029);
    expect(timeField(undefined, 't')).toBeUndefined();
    expect(timeField('', 't')).toBeUndefined();
    for (const bad of ['not a date', '2024-02-30T25:61:00Z', 9007199254740991, 8.64e15 + 1, {}, [], true]) expect(() => timeField(bad, 't')).toThrow(invalid);
  });

  it('read sizes, counts and ids strictly', () => {
    expect(sizeField('352', 's')).toBe(352);
    expect(sizeField(undefined, 's')).toBe(0);
    for (const bad of [-1, 1.5, 'big', '1e3', {}, 1e308]) expect(() => sizeField(bad, 's')).toThrow(invalid);
    expect(countField('2', 'c')).toBe(2);
    for (const bad of [0, -1, 1.5, 'x']) expect(() => countField(bad, 'c')).toThrow(invalid);
    expect(idField('', 'i')).toBeUndefined();
    expect(idField(12, 'i')).toBe('12');
    expect(() => idField({}, 'i')).toThrow(invalid);
  });

  it('read string maps without letting a __proto__ key change the prototype', () => {
    expect(() => stringMapField({ a: 1 }, 'h')).toThrow(invalid);
    const lists = stringListMapField(JSON.parse('{"__proto__":["x"],"a":null}'), 'm');
    expect(Object.getPrototypeOf(lists)).toBe(Object.prototype);
    expect(lists).toEqual(Object.fromEntries([['__proto__', ['x']], ['a', []]]));
  });
});

describe('event constructors refuse malformed metadata', () => {
  it('an invalid time is InvalidArgument, not an Invalid Date', () => {
    const time = new Date('nope');
    expect(() => createStorageEvent({ kind: 'created', bucket: 'b', key: 'k', time })).toThrow(invalid);
    expect(() => createMessageEvent({ queue: 'q', body: '', time })).toThrow(invalid);
    expect(() => createScheduleEvent({ cron: '* * * * *', time })).toThrow(invalid);
    expect(() => createScheduleEvent({ cron: '* * * * *', scheduledTime: time })).toThrow(invalid);
  });

  it('empty ids and keys, negative sizes, fractional delivery counts and non-string attributes are refused', () => {
    expect(() => createStorageEvent({ kind: 'created', bucket: 'b', key: '' })).toThrow(invalid);
    expect(() => createStorageEvent({ kind: 'created', bucket: 'b', key: 'k', size: -4 })).toThrow(invalid);
    expect(() => createStorageEvent({ kind: 'created', bucket: 'b', key: 'k', id: '' })).toThrow(invalid);
    expect(() => createMessageEvent({ queue: 'q', body: '', deliveryCount: 1.5 })).toThrow(invalid);
    expect(() => createMessageEvent({ queue: 'q', body: '', attributes: { a: 1 as unknown as string } })).toThrow(invalid);
    expect(() => createMessageEvent({ queue: '', body: '' })).toThrow(invalid);
  });
});

describe('requestTarget', () => {
  it('reads //a/b as a path, never as a host, and never throws', () => {
    expect(requestTarget('//').pathname).toBe('//');
    expect(requestTarget('//evil.com/x?y=1').pathname).toBe('//evil.com/x');
    expect(requestTarget('//evil.com/x?y=1').searchParams.get('y')).toBe('1');
    expect(requestTarget('/a/../b').pathname).toBe('/b');
    expect(requestTarget('http://example.com/items/1').pathname).toBe('/items/1');
    expect(requestTarget('http://[').pathname).toBe('/http://[');
    expect(requestTarget(undefined).pathname).toBe('/');
  });
});
