import { defineApp, defineFunction, json } from 'polyfaas';
import { createMemoryRuntime } from 'polyfaas/memory';
import { expect, it } from 'vitest';

const greet = defineFunction({
  name: 'greet',
  trigger: { type: 'http', method: 'GET', path: '/greet/:who' },
  init: async () => ({ greeting: 'hello' }),          // once per instance: preload models here
  handler: async (req, ctx) => json({ message: `${ctx.state.greeting} ${req.params.who}`, cold: ctx.coldStart }),
});
export const app = defineApp({ name: 'hello', functions: [greet] });

it('greets', async () => {
  const rt = await createMemoryRuntime(app);
  const res = await rt.http({ method: 'GET', path: '/greet/ada' });
  expect(res.status).toBe(200);
  expect(res.json()).toEqual({ message: 'hello ada', cold: true });
});
