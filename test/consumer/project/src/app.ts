/**
 * A word-count app as a new user writes it: it imports polyfaas only by its
 * package name, and it uses no model, so its bundles must carry neither the
 * TensorFlow.js WASM files nor sharp.
 */
import { defineApp, defineFunction, json } from 'polyfaas';

/** Words in a text: runs of non-space characters. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

const count = defineFunction({
  name: 'count',
  trigger: { type: 'http', method: 'POST', path: '/count' },
  handler: (req) => json({ words: countWords(req.text()) }),
});

const tally = defineFunction({
  name: 'tally',
  trigger: { type: 'storage', bucket: 'docs', prefix: 'in/', suffix: '.txt' },
  handler: async (event, ctx) => {
    const docs = ctx.bucket('docs');
    const { body } = await docs.get(event.key);
    const words = countWords(new TextDecoder().decode(body));
    await docs.put(`counts/${event.key.slice('in/'.length)}.json`, JSON.stringify({ words }), { contentType: 'application/json' });
  },
});

export const app = defineApp({ name: 'word-count', functions: [count, tally], buckets: { docs: 'mem://word-count' } });
