import { parseArgs } from 'node:util';
import { PolyfaasError } from '../../src/errors.js';
import { loadEntryApp } from '../../bundling/entry/load-entry.js';
import type { Io } from '../registry.js';
import { untilInterrupted } from '../until-interrupted.js';

/** `polyfaas serve <app-module>`: run an app on the local runtime until interrupted. */
export async function serveCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { port: { type: 'string', default: '3000' }, host: { type: 'string', default: '127.0.0.1' }, export: { type: 'string' } },
  });
  const modulePath = positionals[0];
  if (!modulePath) throw new PolyfaasError('InvalidArgument', 'Missing <app-module>; see polyfaas serve --help');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new PolyfaasError('InvalidArgument', `Bad --port ${values.port}`);
  const app = await loadEntryApp(modulePath, 'polyfaas serve', values.export);
  const local = await import('../../adapters/local/index.js');
  const memory = await import('../../adapters/memory/index.js');
  local.registerSchemes();
  memory.registerSchemes();
  const server = await local.serve(app, { port, host: values.host });
  io.out.write(`polyfaas: ${app.name} listening on ${server.url}\n`);
  if (server.consoleUrl) io.out.write(`polyfaas: console on ${server.consoleUrl}\n`);
  await untilInterrupted(() => server.close());
  return 0;
}
