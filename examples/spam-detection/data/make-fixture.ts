/**
 * Regenerates `fixture.jsonl`: a fixed, stratified subset of the deduplicated
 * SpamAssassin corpus (see SOURCE.md), texts cut to 1,500 characters to keep
 * the file small. `npx tsx examples/spam-detection/data/make-fixture.ts`
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadSpamAssassin } from '../corpus.js';

const PER_CLASS = { ham: 200, spam: 120 } as const;
const messages = loadSpamAssassin();
// Every k-th message of each class: spread over all groups, the same subset on every run.
const picked = (['ham', 'spam'] as const).flatMap((label) => {
  const all = messages.filter((m) => m.label === label);
  const step = all.length / PER_CLASS[label];
  return Array.from({ length: PER_CLASS[label] }, (_, i) => all[Math.floor(i * step)]!);
});
const lines = picked.map((m) => JSON.stringify({ text: m.text.slice(0, 1500), label: m.label, group: m.group, checksum: m.checksum }));
await writeFile(fileURLToPath(new URL('./fixture.jsonl', import.meta.url)), `${lines.join('\n')}\n`);
process.stderr.write(`wrote ${lines.length} messages\n`);
