import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getTestServer } from '@google-cloud/functions-framework/testing';

/** Functions Framework servers listening on loopback, one per registered function. */
export interface FunctionServers {
  /** Base URL of a function's server. */
  url(name: string): string;
  close(): Promise<void>;
}

/**
 * Serve each named function (already registered with `http()` / `cloudEvent()`)
 * on its own port through the framework's real server: the Express app the
 * `functions-framework --target=<name>` binary runs, with its body parsing,
 * legacy-event conversion, binary CloudEvent parsing and error handling.
 * One function per server, as on Cloud Functions.
 */
export async function startFunctionServers(names: readonly string[]): Promise<FunctionServers> {
  const servers = new Map<string, { server: Server; url: string }>();
  try {
    for (const name of names) {
      const server = getTestServer(name);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      servers.set(name, { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    }
  } catch (err) {
    await closeAll([...servers.values()].map((s) => s.server));
    throw err;
  }
  return {
    url(name) {
      const found = servers.get(name);
      if (!found) throw new Error(`No server for function ${name}`);
      return found.url;
    },
    close: () => closeAll([...servers.values()].map((s) => s.server)),
  };
}

async function closeAll(servers: Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
}
