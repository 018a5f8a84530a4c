import { describe, expect, it } from 'vitest';
import type { AnyFunction } from '../../src/index.js';
import { defineFunction } from '../../src/index.js';
import type { GcpCloudEvent } from './cloud-event.js';
import { GCS_FINALIZED, mapCloudEvent, PUBSUB_PUBLISHED } from './cloud-event.js';

/** Regressions found by test/fuzz/gcp-events.test.ts: malformed CloudEvents end in InvalidArgument whose message echoes nothing internal. */

const onUpload = defineFunction({ name: 'on-upload', trigger: { type: 'storage', bucket: 'data' }, handler: () => undefined }) as AnyFunction;
const onJob = defineFunction({ name: 'on-job', trigger: { type: 'queue', queue: 'jobs' }, handler: () => undefined }) as AnyFunction;
const bindings = { data: 'gs://sample-bucket/' };
const invalid = expect.objectContaining({ name: 'PolyfaasError', code: 'InvalidArgument' });

const storage = (patch: Record<string, unknown>, data: Record<string, unknown> = {}): GcpCloudEvent =>
  ({ id: '1', source: '//storage.googleapis.com/projects/_/buckets/sample-bucket', type: GCS_FINALIZED, time: '2020-01-02T12:34:56.789Z', data: { bucket: 'sample-bucket', name: 'a.txt', size: '3', ...data }, ...patch }) as GcpCloudEvent;
const pubsub = (message: unknown, patch: Record<string, unknown> = {}): GcpCloudEvent =>
  ({ id: '2', source: '//pubsub.googleapis.com/projects/p/topics/jobs', type: PUBSUB_PUBLISHED, time: '2020-01-02T12:34:56.789Z', data: { message }, ...patch }) as GcpCloudEvent;

describe('mapCloudEvent with malformed CloudEvents', () => {
  it('does not echo a missing or non-string id into the message the platform shows', () => {
    for (const id of [undefined, { a: 1 }]) {
      const noObject = storage({ id, source: 1, subject: undefined }, { bucket: undefined, name: undefined });
      expect(() => mapCloudEvent(onUpload, noObject, bindings)).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
      expect(() => mapCloudEvent(onUpload, noObject, bindings)).not.toThrow(/undefined|\[object Object\]/);
      expect(() => mapCloudEvent(onJob, pubsub(undefined, { id }), bindings)).not.toThrow(/undefined|\[object Object\]/);
    }
  });

  it('refuses a Pub/Sub message whose data is not base64 text (was an uncoded TypeError)', () => {
    expect(() => mapCloudEvent(onJob, pubsub({ data: -1699135357 }), bindings)).toThrow(invalid);
  });

  it('refuses a subject that is not a string (was an uncoded TypeError)', () => {
    expect(() => mapCloudEvent(onUpload, storage({ subject: 168353533 }, { name: undefined }), bindings)).toThrow(invalid);
  });

  it('refuses invalid times instead of replacing them with now', () => {
    expect(() => mapCloudEvent(onUpload, storage({ time: "7r{GwO'2" }), bindings)).toThrow(invalid);
    expect(() => mapCloudEvent(onJob, pubsub({ data: '', publishTime: 'not a date' }), bindings)).toThrow(invalid);
  });

  it('refuses attributes that are not a string map (a string was spread into one attribute per character)', () => {
    expect(() => mapCloudEvent(onJob, pubsub({ data: '', attributes: 'abc' }), bindings)).toThrow(invalid);
    expect(() => mapCloudEvent(onJob, pubsub({ data: '', attributes: { a: 1 } }), bindings)).toThrow(invalid);
  });

  it('refuses sizes that are not non-negative integers (they became 0, or a negative size)', () => {
    for (const size of ['big', '-5', -5, {}]) expect(() => mapCloudEvent(onUpload, storage({}, { size }), bindings)).toThrow(invalid);
  });

  it('still maps well-formed events', () => {
    const mapped = mapCloudEvent(onUpload, storage({}), bindings);
    expect(mapped).toMatchObject({ action: 'invoke', event: { key: 'a.txt', size: 3, id: '1' } });
    expect(mapCloudEvent(onJob, pubsub({ data: Buffer.from('hi').toString('base64'), attributes: { k: 'v' }, messageId: 'm' }), bindings)).toMatchObject({
      action: 'invoke',
      event: { id: 'm', attributes: { k: 'v' } },
    });
  });
});
