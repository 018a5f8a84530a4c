import { describe, expect, it } from 'vitest';
import { freePort, startServerProcess } from './server-process.js';

describe('startServerProcess', () => {
  it('waits until the server answers, and stops it', async () => {
    const port = await freePort();
    const script = `require('node:http').createServer((_, res) => res.end('ok')).listen(${port}, '127.0.0.1')`;
    const server = await startServerProcess({ name: 'tiny server', command: process.execPath, args: ['-e', script], ready: () => fetch(`http://127.0.0.1:${port}/`) });
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
    await server.stop();
    expect(server.child.exitCode !== null || server.child.signalCode !== null).toBe(true);
  });

  it('fails loudly, with the output, when the process exits before it is ready', async () => {
    const start = startServerProcess({
      name: 'doomed server',
      command: process.execPath,
      args: ['-e', "console.error('cannot bind'); process.exit(3)"],
      ready: () => Promise.reject(new Error('refused')),
      tempDir: 'polyfaas-doomed-',
    });
    await expect(start).rejects.toThrow(/doomed server did not start[\s\S]*cannot bind/);
  });

  it('fails loudly when the command does not exist', async () => {
    await expect(startServerProcess({ name: 'ghost', command: '/nonexistent/ghost-server', args: [], ready: () => Promise.reject(new Error('no')) })).rejects.toThrow(/ghost did not start/);
  });
});
