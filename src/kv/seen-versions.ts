/**
 * The expiry of versions this process has read or written, for drivers whose
 * backend can only compare versions (ETags), not expiries. A version names
 * one exact state of an entry, expiry included; so when a compare-and-swap
 * names a version seen here, the driver can refuse it if expired, or let the
 * backend's If-Match decide, without reading the entry again first.
 * Bounded: the oldest versions are forgotten (and then read again).
 */
export class SeenVersions {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly max = 4096) {}

  /** Record that `version` of `key` expires at `expiresAt` (never, if undefined). */
  remember(key: string, version: string, expiresAt: number | undefined): void {
    const id = `${key}\n${version}`;
    this.expiries.delete(id);
    this.expiries.set(id, expiresAt ?? Number.POSITIVE_INFINITY);
    if (this.expiries.size > this.max) this.expiries.delete(this.expiries.keys().next().value as string);
  }

  /** The expiry of a version seen before (`Infinity` for none), or `undefined` if never seen. */
  expiryOf(key: string, version: string): number | undefined {
    return this.expiries.get(`${key}\n${version}`);
  }
}
