import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK, JWTPayload } from 'jose';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

/** A private key as jose's generateKeyPair makes it. */
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/** A signing key of a {@link JwksServer}. */
interface SigningKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: PrivateKey;
  readonly jwk: JWK;
}

/**
 * An OIDC issuer's JWKS endpoint on loopback, for auth tests: it serves the
 * public halves of its keys, counts fetches, signs tokens and rotates keys.
 */
export class JwksServer {
  /** Times the JWKS was fetched. */
  fetches = 0;
  private keys: SigningKey[] = [];

  private constructor(
    readonly url: string,
    private readonly close_: () => Promise<void>,
  ) {}

  /** Start on 127.0.0.1 with one ES256 key; fails loudly if the port cannot be bound. */
  static async start(): Promise<JwksServer> {
    const holder: { self?: JwksServer } = {};
    const server = createServer((req, res) => {
      const self = holder.self;
      if (!self || req.url !== '/jwks.json') {
        res.writeHead(404).end();
        return;
      }
      self.fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: self.keys.map((k) => k.jwk) }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const self = new JwksServer(`http://127.0.0.1:${port}/jwks.json`, () => new Promise((r) => server.close(() => r())));
    holder.self = self;
    await self.rotate();
    return self;
  }

  /** The published JWKS, as a verifier fetches it (not counted in {@link fetches}). */
  get jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.jwk) };
  }

  /** Add a fresh key and make it the one {@link sign} uses; `replace` drops the old ones from the JWKS. */
  async rotate(options: { replace?: boolean; alg?: string } = {}): Promise<string> {
    const alg = options.alg ?? 'ES256';
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const kid = `k${this.keys.length + 1}-${Math.random().toString(36).slice(2, 8)}`;
    const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    this.keys = [...(options.replace ? [] : this.keys), { kid, alg, privateKey, jwk }];
    return kid;
  }

  /** A token signed by the current key (or by `key`, e.g. one never published). */
  async sign(claims: JWTPayload, options: { expiresIn?: string | number; key?: { privateKey: PrivateKey; kid: string; alg: string } } = {}): Promise<string> {
    const key = options.key ?? (this.keys[this.keys.length - 1] as SigningKey);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '5m')
      .sign(key.privateKey);
  }

  close(): Promise<void> {
    return this.close_();
  }
}

/** An unsigned (`alg: none`) token with these claims: what an attacker sends hoping `none` is accepted. */
export function unsignedToken(claims: JWTPayload): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}
