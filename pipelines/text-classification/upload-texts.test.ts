import { describe, expect, it } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import { uploadTexts } from './upload-texts.js';

const examples = Array.from({ length: 20 }, (_, i) => ({ text: `message number ${i}`, label: i % 2 ? 'spam' : 'ham' }));

describe('uploadTexts', () => {
  it('with skipUnchanged, the same data again writes nothing; a changed text rewrites only its split', async () => {
    const bucket = new MemoryBucket('upload');
    const options = { dataset: 'mail', testRatio: 0.2, seed: 3, skipUnchanged: true };
    expect(await uploadTexts(bucket, examples, options)).toMatchObject({ splits: { train: 16, test: 4 }, written: 4 });
    expect((await uploadTexts(bucket, examples, options)).written).toBe(0);
    // Without the option every upload rewrites (a deliberate re-run).
    expect((await uploadTexts(bucket, examples, { ...options, skipUnchanged: false })).written).toBe(4);
    const test = new TextDecoder().decode((await bucket.get('raw/mail/test/part-00000.jsonl')).body);
    const moved = examples.map((e) => (test.includes(JSON.stringify(e.text)) ? { ...e, text: `${e.text}!` } : e));
    expect((await uploadTexts(bucket, moved, options)).written).toBe(2);
  });
});
