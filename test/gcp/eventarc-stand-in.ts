import type { DeadLetter } from '../../src/adapter.js';
import type { GcsObjectResource, ObjectChange } from './gcs-stand-in.js';

/** One Eventarc trigger: a bucket's object events pushed to a function's URL. */
export interface StorageSubscription {
  bucket: string;
  function: string;
  url: string;
  /** Redeliveries after a failed attempt before the event is dead-lettered. */
  retries: number;
}

/** One Eventarc Pub/Sub trigger: messages published to a topic pushed to a function's URL. */
export interface TopicSubscription {
  topic: string;
  function: string;
  url: string;
  /** Redeliveries after a failed attempt before the message is dead-lettered. */
  retries: number;
}

/** Options for {@link EventarcStandIn}. */
export interface EventarcOptions {
  /** Push every event twice (after the first settles), as at-least-once delivery sometimes does. */
  deliverTwice?: boolean;
  /** Delay before retry n is `retryDelayMs * 2^(n-1)`. */
  retryDelayMs?: number;
}

/**
 * What Eventarc does for Cloud Storage triggers, in process: every object
 * change in a subscribed bucket becomes a `google.cloud.storage.object.v1.*`
 * CloudEvent POSTed in binary content mode (the way Eventarc reaches Cloud Run
 * and 2nd gen functions) to each subscribed function. A non-2xx answer is
 * retried with backoff and, after the last retry, dead-lettered (the part a
 * Pub/Sub dead-letter topic plays in the cloud). Note that, like Eventarc,
 * it cannot filter by object prefix: functions filter themselves.
 *
 * Pub/Sub triggers work the same way: a published message becomes a
 * `google.cloud.pubsub.topic.v1.messagePublished` CloudEvent (the message id
 * is the event id, kept on every redelivery). Cloud Scheduler jobs reach
 * functions this way too: the job publishes its body to the function's topic.
 */
export class EventarcStandIn {
  readonly deadLetters: DeadLetter[] = [];
  private readonly subscriptions: StorageSubscription[] = [];
  private readonly topics: TopicSubscription[] = [];
  private readonly pending = new Set<Promise<void>>();
  private sequence = 0;

  constructor(private readonly options: EventarcOptions = {}) {}

  subscribe(subscription: StorageSubscription): void {
    this.subscriptions.push(subscription);
  }

  subscribeTopic(subscription: TopicSubscription): void {
    this.topics.push(subscription);
  }

  /** Fan one object change out to the bucket's subscribers; returns at once. */
  publish(change: ObjectChange): void {
    const event = storageCloudEvent(change, this.nextId());
    for (const subscription of this.subscriptions.filter((s) => s.bucket === change.object.bucket)) this.push(subscription, event);
  }

  /** Publish one message to a topic and push it to the topic's subscribers; returns how many there are. */
  publishMessage(topic: string, body: string | Uint8Array): number {
    const event = pubsubCloudEvent(topic, body, this.nextId());
    const subscribers = this.topics.filter((s) => s.topic === topic);
    for (const subscription of subscribers) this.push(subscription, event);
    return subscribers.length;
  }

  private nextId(): string {
    return `${Date.now()}${String(++this.sequence).padStart(6, '0')}`;
  }

  private push(subscription: StorageSubscription | TopicSubscription, event: BinaryCloudEvent): void {
    const task = (async () => {
      await this.deliver(subscription, event);
      if (this.options.deliverTwice) await this.deliver(subscription, event);
    })();
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
  }

  /** Resolve once every published event, including ones published meanwhile, has settled. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async deliver(subscription: StorageSubscription | TopicSubscription, event: BinaryCloudEvent): Promise<void> {
    const delay = this.options.retryDelayMs ?? 5;
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(subscription.url, { method: 'POST', headers: event.headers, body: event.body });
      const text = await res.text();
      if (res.ok) return;
      if (attempt > subscription.retries) {
        // The adapter answers "<Code>: <message>" (the framework sends the error message outside production).
        const match = /^([A-Za-z]+): ([\s\S]*)$/.exec(text);
        this.deadLetters.push({
          function: subscription.function,
          event,
          attempts: attempt,
          error: { code: match?.[1] ?? 'Internal', message: match?.[2] ?? text },
          time: new Date(),
        });
        return;
      }
      await new Promise((r) => setTimeout(r, delay * 2 ** (attempt - 1)));
    }
  }
}

/** A CloudEvent in HTTP binary content mode: attributes in `ce-*` headers, data as the body. */
export interface BinaryCloudEvent {
  headers: Record<string, string>;
  body: string;
}

/** The CloudEvent Eventarc sends for a Cloud Storage object change. */
export function storageCloudEvent(change: ObjectChange, id: string): BinaryCloudEvent {
  const object: GcsObjectResource = change.object;
  return {
    headers: {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': id,
      'ce-source': `//storage.googleapis.com/projects/_/buckets/${object.bucket}`,
      'ce-type': `google.cloud.storage.object.v1.${change.kind}`,
      // Header values must be ASCII; the CloudEvents HTTP binding percent-encodes the rest.
      'ce-subject': `objects/${encodeURIComponent(object.name).replace(/%2F/g, '/')}`,
      'ce-time': new Date().toISOString(),
    },
    body: JSON.stringify(change.kind === 'deleted' ? { ...object, timeDeleted: new Date().toISOString() } : object),
  };
}

/** The CloudEvent Eventarc sends for a Pub/Sub message (binary content mode, the message id as event id). */
export function pubsubCloudEvent(topic: string, body: string | Uint8Array, id: string): BinaryCloudEvent {
  const publishTime = new Date().toISOString();
  return {
    headers: {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': id,
      'ce-source': `//pubsub.googleapis.com/projects/polyfaas-test/topics/${topic}`,
      'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
      'ce-time': publishTime,
    },
    body: JSON.stringify({
      message: { data: Buffer.from(body).toString('base64'), messageId: id, publishTime },
      subscription: `projects/polyfaas-test/subscriptions/eventarc-${topic}-sub`,
    }),
  };
}
