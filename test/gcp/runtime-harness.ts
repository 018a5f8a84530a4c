import type { AppDefinition, HttpRequestInit, Trigger } from '../../src/index.js';
import { createLogger, DEFAULT_RETRIES } from '../../src/index.js';
import type { RunningApp, RuntimeHarness } from '../../src/testing/index.js';
import { fetchHttp } from '../../src/testing/index.js';
import { GcsBucket, registerGcp } from '../../adapters/gcp/index.js';
import { EventarcStandIn } from './eventarc-stand-in.js';
import { startFunctionServers } from './function-servers.js';
import type { GcsStandIn } from './gcs-stand-in.js';

let appCounter = 0;

/**
 * Runs apps the way Google Cloud does, on loopback: each function is served by
 * its own Functions Framework server (see `startFunctionServers`), buckets are
 * Cloud Storage buckets on the stand-in reached through the real client, and
 * every object change is pushed by {@link EventarcStandIn} to the storage
 * functions as a binary-mode CloudEvent. HTTP requests go to the function whose
 * route matches, as a load balancer URL map (or the client) would pick a
 * function URL. Queue functions subscribe to the topic named after their
 * queue; schedule functions to `polyfaas-schedule-<function>`, the topic their
 * Cloud Scheduler job publishes to.
 *
 * The servers live in the test process because the conformance suite's
 * handlers are closures over the test's own variables.
 */
export function gcpHarness(standIn: GcsStandIn): RuntimeHarness {
  return {
    async start(app, options): Promise<RunningApp> {
      const id = `${process.pid}-${++appCounter}`;
      const storage = { apiEndpoint: standIn.url, projectId: 'polyfaas-test' };
      const providerBuckets: Record<string, string> = {};
      const bindings: Record<string, string> = {};
      for (const name of Object.keys(app.buckets)) {
        const bucket = `rt-${id}-${name}`;
        standIn.createBucket(bucket);
        providerBuckets[name] = bucket;
        // A prefix, so the event → logical key mapping is exercised too.
        bindings[name] = `gs://${bucket}/app-${id}`;
      }
      const targets = registerGcp(app, { buckets: bindings, env: {}, storage, log: createLogger({ level: 'silent' }) });
      const servers = await startFunctionServers(targets.map((t) => t.name));
      const eventarc = new EventarcStandIn({ ...(options.deliverTwice ? { deliverTwice: true } : {}) });
      for (const fn of app.functions) {
        const trigger = fn.trigger as Trigger;
        if (trigger.type !== 'storage') continue;
        eventarc.subscribe({
          bucket: providerBuckets[trigger.bucket] as string,
          function: fn.name,
          url: servers.url(fn.name),
          retries: options.retries ?? fn.retries ?? DEFAULT_RETRIES,
        });
      }
      const retriesOf = (fn: (typeof app.functions)[number]) => options.retries ?? fn.retries ?? DEFAULT_RETRIES;
      for (const fn of app.functions) {
        const trigger = fn.trigger as Trigger;
        if (trigger.type === 'queue') eventarc.subscribeTopic({ topic: trigger.queue, function: fn.name, url: servers.url(fn.name), retries: retriesOf(fn) });
        if (trigger.type === 'schedule') eventarc.subscribeTopic({ topic: scheduleTopic(fn.name), function: fn.name, url: servers.url(fn.name), retries: retriesOf(fn) });
      }
      const unsubscribe = standIn.onChange((change) => eventarc.publish(change));
      const clients = new Map<string, GcsBucket>();
      return {
        http: (init) => fetchHttp(servers.url(routeFor(app, init)), init),
        bucket(name) {
          let bucket = clients.get(name);
          if (!bucket) {
            const provider = providerBuckets[name];
            if (!provider) throw new Error(`App declares no bucket ${name}`);
            bucket = new GcsBucket(provider, { prefix: `app-${id}`, storage });
            clients.set(name, bucket);
          }
          return bucket;
        },
        async send(queue, body) {
          // Pub/Sub has no batches for functions: every message is its own push.
          for (const one of typeof body === 'string' ? [body] : body) {
            if (eventarc.publishMessage(queue, one) === 0) throw new Error(`No function subscribes to topic ${queue}`);
          }
        },
        async tick(name) {
          // What a Cloud Scheduler Pub/Sub job does: publish its (ignored) body to the function's topic.
          if (eventarc.publishMessage(scheduleTopic(name), '{"polyfaas":"schedule"}') === 0) throw new Error(`${name} has no schedule topic`);
        },
        idle: () => eventarc.idle(),
        deadLetters: () => eventarc.deadLetters,
        async close() {
          await eventarc.idle();
          unsubscribe();
          await servers.close();
        },
      };
    },
  };
}

/** The topic a schedule function's Cloud Scheduler job publishes to. */
function scheduleTopic(fn: string): string {
  return `polyfaas-schedule-${fn}`;
}

/**
 * The function whose route matches the path best (static segments beat
 * `:params`), whatever the method, so the function itself answers 405; with no
 * match, any HTTP function, which answers 404.
 */
function routeFor(app: AppDefinition, init: HttpRequestInit): string {
  const path = init.path.startsWith('/') ? init.path : `/${init.path}`;
  const segments = path.split('/').filter(Boolean);
  let best: { name: string; score: number } | undefined;
  let fallback: string | undefined;
  for (const fn of app.functions) {
    const trigger = fn.trigger as Trigger;
    if (trigger.type !== 'http') continue;
    fallback ??= fn.name;
    const pattern = trigger.path.split('/').filter(Boolean);
    if (pattern.length !== segments.length) continue;
    if (!pattern.every((p, i) => p.startsWith(':') || p === segments[i])) continue;
    const methodOk = trigger.method === '*' || trigger.method === (init.method ?? 'GET').toUpperCase();
    const score = pattern.filter((p) => !p.startsWith(':')).length * 2 + (methodOk ? 1 : 0);
    if (!best || score > best.score) best = { name: fn.name, score };
  }
  const name = best?.name ?? fallback;
  if (!name) throw new Error('The app has no HTTP function');
  return name;
}
