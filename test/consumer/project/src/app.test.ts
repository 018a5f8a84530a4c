import { createMemoryRuntime } from 'polyfaas/memory';
import { expect, it } from 'vitest';
import { app } from './app.js';

it('counts the words of a request', async () => {
  const rt = await createMemoryRuntime(app);
  const res = await rt.http({ method: 'POST', path: '/count', body: 'one two  three' });
  expect(res.status).toBe(200);
  expect(res.json()).toEqual({ words: 3 });
});

it('tallies an uploaded text', async () => {
  const rt = await createMemoryRuntime(app);
  await rt.bucket('docs').put('in/a.txt', 'to be or not to be');
  await rt.idle();
  const { body } = await rt.bucket('docs').get('counts/a.txt.json');
  expect(JSON.parse(new TextDecoder().decode(body))).toEqual({ words: 6 });
});
