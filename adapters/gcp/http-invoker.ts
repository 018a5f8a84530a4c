import { randomUUID } from 'node:crypto';
import type { Invoker } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import { classifyRemoteError, codeForHttpStatus, toPolyfaasError } from '../../src/adapter.js';
import { PUBSUB_PUBLISHED } from './cloud-event.js';

/** Options of {@link cloudFunctionInvoker}. */
export interface CloudFunctionInvokerOptions {
  /** The HTTPS endpoint of the function deployed for a polyfaas function (Cloud Run functions give each its own URL). */
  readonly url: (fn: string) => string;
  /**
   * An identity token for the function's audience (its URL), e.g. from
   * google-auth-library's `getIdTokenClient(url)`; sent as a bearer token so
   * a private function (invoker IAM) accepts the call.
   */
  readonly idToken?: (url: string) => Promise<string>;
  /** The project named in the Pub/Sub source. Default `polyfaas`. */
  readonly project?: string;
  /** Stand-in for `fetch` (tests, proxies). */
  readonly fetch?: typeof fetch;
}

/**
 * An {@link Invoker} that POSTs each task straight to a queue-triggered
 * function's HTTPS endpoint as the Pub/Sub CloudEvent Eventarc would deliver
 * (binary mode), with an identity token. A CloudEvent function answers no
 * body, so the map reads results and coded failures from the bucket once the
 * POST returns (`enqueue` mode); a non-2xx answer is the invocation's failure.
 *
 * @example
 * ```ts
 * const auth = new GoogleAuth();
 * const invoker = cloudFunctionInvoker({
 *   url: (fn) => `https://${fn}-abc123-uc.a.run.app`,
 *   idToken: async (url) => (await auth.getIdTokenClient(url)).idTokenProvider.fetchIdToken(url),
 * });
 * ```
 */
export function cloudFunctionInvoker(options: CloudFunctionInvokerOptions): Invoker {
  const send = options.fetch ?? fetch;
  const project = options.project ?? 'polyfaas';
  return {
    mode: 'enqueue',
    async invoke(fn, task, { signal }) {
      const url = options.url(fn);
      const id = randomUUID();
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': id,
        'ce-type': PUBSUB_PUBLISHED,
        'ce-source': `//pubsub.googleapis.com/projects/${project}/topics/${fn}`,
        'ce-time': new Date().toISOString(),
      };
      if (options.idToken) headers.authorization = `Bearer ${await options.idToken(url)}`;
      const body = JSON.stringify({
        message: { data: Buffer.from(JSON.stringify(task)).toString('base64'), messageId: id, publishTime: new Date().toISOString(), attributes: {} },
        subscription: `projects/${project}/subscriptions/${fn}`,
      });
      let res: Response;
      try {
        res = await send(url, { method: 'POST', headers, body, signal });
      } catch (err) {
        throw toPolyfaasError(err, `Invoking ${fn} failed`, (e: unknown) => classifyRemoteError(e, undefined));
      }
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new PolyfaasError(codeForHttpStatus(res.status) ?? 'Unavailable', `${fn} answered HTTP ${res.status}`);
      return undefined;
    },
  };
}
