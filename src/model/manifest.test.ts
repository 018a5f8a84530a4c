import { describe, expect, it } from 'vitest';
import { PolyfaasError } from '../errors.js';
import { decodeManifest, describeFile, encodeManifest, formatOf, MODEL_FORMAT_VERSION, verifyFile, type ModelVersionInfo } from './manifest.js';
import { isVersionId, newVersionId } from './version-id.js';

const info: ModelVersionInfo = {
  formatVersion: 1,
  name: 'm',
  version: '20261127T034512123Z-a1b2c3',
  createdAt: '2026-11-27T03:45:12.123Z',
  inputShape: [2, 3],
  labels: ['a'],
  metrics: { accuracy: 1 },
  metadata: { nested: { ok: true } },
  framework: { tfjsCore: '4.22.0', tfjsLayers: '4.22.0' },
  backend: 'cpu',
  files: [describeFile('weights.bin', new Uint8Array([1, 2, 3]))],
};

function thrown(fn: () => unknown): PolyfaasError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PolyfaasError);
    return err as PolyfaasError;
  }
  throw new Error('expected a throw');
}

describe('version ids', () => {
  it('sort by creation time and are unique within a millisecond', () => {
    const t = new Date(Date.UTC(2026, 10, 27, 3, 45, 12, 123));
    const a = newVersionId(t);
    const b = newVersionId(new Date(t.getTime() + 1));
    expect(a).toMatch(/^20261127T034512123Z-[0-9a-f]{6}$/);
    expect(isVersionId(a)).toBe(true);
    expect([b, a].sort()).toEqual([a, b]);
    expect(new Set(Array.from({ length: 50 }, () => newVersionId(t))).size).toBe(50);
    expect(isVersionId('latest')).toBe(false);
  });
});

describe('manifest', () => {
  it('round-trips', () => {
    expect(decodeManifest(encodeManifest(info), 'k')).toEqual(info);
  });

  it('rejects damaged manifests as DataLoss and newer formats as Unimplemented', () => {
    expect(thrown(() => decodeManifest(new TextEncoder().encode('{"formatVersion":'), 'k')).code).toBe('DataLoss');
    const noFiles = { ...info, files: [{ path: '../x', size: 1, sha256: 'x' }] };
    expect(thrown(() => decodeManifest(new TextEncoder().encode(JSON.stringify(noFiles)), 'k')).details).toMatchObject({
      file: 'k',
      reason: expect.stringContaining('files'),
    });
    expect(thrown(() => decodeManifest(encodeManifest({ ...info, formatVersion: MODEL_FORMAT_VERSION + 1 }), 'k')).code).toBe('Unimplemented');
  });

  it('reads imported formats and refuses unknown ones', () => {
    const onnx = { ...info, formatVersion: 2, format: 'onnx' as const, channelsFirst: true };
    expect(formatOf(decodeManifest(encodeManifest(onnx), 'k'))).toBe('onnx');
    expect(formatOf(info)).toBe('tfjs-layers');
    const unknown = { ...info, format: 'keras' };
    const err = thrown(() => decodeManifest(new TextEncoder().encode(JSON.stringify(unknown)), 'k'));
    expect(err.code).toBe('DataLoss');
    expect(err.details).toMatchObject({ reason: expect.stringContaining('format') });
  });

  it('verifies size and digest', () => {
    const entry = describeFile('weights.bin', new Uint8Array([1, 2, 3]));
    expect(() => verifyFile(entry, new Uint8Array([1, 2, 3]), 'k')).not.toThrow();
    const err = thrown(() => verifyFile(entry, new Uint8Array([1, 2, 4]), 'k'));
    expect(err.code).toBe('DataLoss');
    expect(err.details).toMatchObject({ file: 'k', expected: { size: 3, sha256: entry.sha256 }, actual: { size: 3 } });
  });
});
