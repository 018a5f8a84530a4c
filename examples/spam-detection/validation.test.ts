import { describe, expect, it } from 'vitest';
import { MemoryBucket } from 'polyfaas/memory';
import { uploadTexts } from 'polyfaas/pipelines';
import { loadFixture } from './fixture.js';
import { validationMessages } from './validation.js';

/** Texts of one uploaded split, read back from the bucket as the pipeline would see them. */
async function uploadedTexts(bucket: MemoryBucket, split: string): Promise<string[]> {
  const texts: string[] = [];
  for await (const o of bucket.list({ prefix: `raw/spam/${split}/part-` })) {
    const lines = new TextDecoder().decode((await bucket.get(o.key)).body).split('\n').filter(Boolean);
    texts.push(...lines.map((l) => (JSON.parse(l) as { text: string }).text));
  }
  return texts;
}

describe('the validation split for tuning', () => {
  it('is carved from the training split uploadTexts draws, stratified, and never holds a test message', async () => {
    const messages = await loadFixture();
    const split = { testRatio: 0.25, seed: 17 };
    const bucket = new MemoryBucket('spam');
    await uploadTexts(bucket, messages, { dataset: 'spam', ...split });
    const train = await uploadedTexts(bucket, 'train');
    const test = new Set(await uploadedTexts(bucket, 'test'));

    const tuning = validationMessages(messages, split);
    expect(tuning.map((m) => m.text).sort()).toEqual([...train].sort());
    expect(tuning.filter((m) => test.has(m.text))).toEqual([]);
    const validation = tuning.filter((m) => m.split === 'test');
    expect(validation.length).toBe(Math.round(150 * 0.2) + Math.round(90 * 0.2));
    expect(validation.filter((m) => m.label === 'spam')).toHaveLength(Math.round(90 * 0.2));
    // Seeded: the same messages give the same split.
    expect(validationMessages(messages, split)).toEqual(tuning);
  });
});
