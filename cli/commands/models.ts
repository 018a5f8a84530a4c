import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isPolyfaasError, PolyfaasError } from '../../src/errors.js';
import { MODEL_SIGNING_ALGORITHMS, ModelSigningKey, ModelVerifyKey, type ModelSigningAlgorithm } from '../../src/model/signing-keys.js';
import { modelSigningFromEnv, SIGNING_KEY_ENV, VERIFY_KEYS_ENV, type ModelSigningOptions } from '../../src/model/signing-policy.js';
import { ModelStore } from '../../src/model/store.js';
import type { Io } from '../registry.js';
import { openModelsBucket } from './models-bucket.js';
import { MODELS_USAGE } from './models-usage.js';

type Subcommand = 'keygen' | 'sign' | 'verify' | 'import';
const SUBCOMMANDS: Record<Subcommand, (args: string[], io: Io) => Promise<number>> = {
  keygen,
  sign,
  verify,
  import: async (args, io) => (await import('./models-import.js')).importCommand(args, io),
};

/** `polyfaas models <keygen|sign|verify|import>`. */
export async function modelsCommand(args: string[], io: Io): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h') {
    io.out.write(`${MODELS_USAGE.models}\n`);
    return 0;
  }
  if (!(name in SUBCOMMANDS)) throw new PolyfaasError('InvalidArgument', `Unknown subcommand "${name.slice(0, 40)}"; use keygen, sign, verify or import`);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out.write(`${MODELS_USAGE[name as Subcommand]}\n`);
    return 0;
  }
  return SUBCOMMANDS[name as Subcommand](rest, io);
}

async function keygen(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { algorithm: { type: 'string', default: 'ed25519' }, 'key-id': { type: 'string' }, out: { type: 'string' } } });
  if (!(MODEL_SIGNING_ALGORITHMS as readonly string[]).includes(values.algorithm)) {
    throw new PolyfaasError('InvalidArgument', `--algorithm must be one of ${MODEL_SIGNING_ALGORITHMS.join(', ')}`);
  }
  const key = ModelSigningKey.generate(values.algorithm as ModelSigningAlgorithm, values['key-id']);
  const verifyKey = key.verifyKey();
  if (!values.out) {
    io.err.write(`Model signing key ${key.keyId}. The first line is SECRET: give it to the trainer only.\n`);
    io.out.write(`${SIGNING_KEY_ENV}=${key.export()}\n${VERIFY_KEYS_ENV}=${verifyKey.export()}\n`);
    return 0;
  }
  const exclusive = { flag: 'wx' } as const;
  await writeFile(`${values.out}.key`, `${key.export()}\n`, { ...exclusive, mode: 0o600 });
  const pem = verifyKey.publicKeyPem();
  if (key.algorithm !== 'hmac-sha256') await writeFile(`${values.out}.pub`, `${verifyKey.export()}\n`, exclusive);
  if (pem) await writeFile(`${values.out}.pem`, pem, exclusive);
  io.out.write(
    `Model signing key ${key.keyId} (${key.algorithm})\n` +
      `  ${values.out}.key  secret: ${SIGNING_KEY_ENV}="$(cat ${values.out}.key)"\n` +
      (key.algorithm === 'hmac-sha256'
        ? `  the same secret verifies: ${VERIFY_KEYS_ENV}="$(cat ${values.out}.key)"\n`
        : `  ${values.out}.pub  public: ${VERIFY_KEYS_ENV}="$(cat ${values.out}.pub)"\n  ${values.out}.pem  public key as PEM\n`),
  );
  return 0;
}

async function sign(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { prefix: { type: 'string', default: 'models/' }, key: { type: 'string' }, replace: { type: 'boolean', default: false } },
  });
  const [url, name, version] = positionals;
  if (!url || !name) throw new PolyfaasError('InvalidArgument', 'Missing <bucket-url> or <name>; see polyfaas models sign --help');
  const signing: ModelSigningOptions = modelSigningFromEnv();
  const signingKey = values.key ? ModelSigningKey.parse(await readKeyFile(values.key)) : signing.signingKey;
  if (!signingKey) throw new PolyfaasError('InvalidArgument', `No signing key: pass --key <file> or set ${SIGNING_KEY_ENV}`);
  const store = new ModelStore(await openModelsBucket(url, 'polyfaas models sign'), { prefix: values.prefix, signing: { ...signing, signingKey } });
  const versions = version ? [version] : (await store.list(name)).map((v) => v.version);
  let failures = 0;
  for (const v of versions) {
    try {
      await store.sign(name, v, { replace: values.replace });
      io.out.write(`signed ${name}/${v} with ${signingKey.keyId}\n`);
    } catch (err) {
      if (!version && isPolyfaasError(err, 'AlreadyExists')) {
        io.out.write(`already signed ${name}/${v}\n`);
        continue;
      }
      if (version) throw err;
      failures++;
      io.err.write(`not signed ${name}/${v}: ${describe(err)}\n`);
    }
  }
  if (!version) failures += await signAliases(store, name, values.replace, io);
  return failures > 0 ? 1 : 0;
}

/** Sign every alias of `name` that is unsigned (or any, with `replace`); a bad signature is reported, not overwritten. */
async function signAliases(store: ModelStore, name: string, replace: boolean, io: Io): Promise<number> {
  let failures = 0;
  for (const { alias } of await store.aliases(name)) {
    try {
      const current = await store.resolveAlias(name, alias).then(
        () => 'verified' as const,
        (err: unknown) => {
          if (isPolyfaasError(err, 'Forbidden') && (replace || err.details?.reason === 'unsigned')) return 'unsigned' as const;
          throw err;
        },
      );
      if (current === 'verified' && !replace) {
        io.out.write(`already signed ${name}@${alias}\n`);
        continue;
      }
      const moved = await store.signAlias(name, alias);
      io.out.write(`signed ${name}@${alias} -> ${moved.version}\n`);
    } catch (err) {
      failures++;
      io.err.write(`not signed ${name}@${alias}: ${describe(err)}\n`);
    }
  }
  return failures;
}

async function verify(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { prefix: { type: 'string', default: 'models/' }, key: { type: 'string', multiple: true } },
  });
  const [url, name, version] = positionals;
  if (!url || !name || !version) throw new PolyfaasError('InvalidArgument', 'Missing <bucket-url>, <name> or <version>; see polyfaas models verify --help');
  const verifyKeys = values.key
    ? (await Promise.all(values.key.map(async (file) => ModelVerifyKey.parseList(await readKeyFile(file))))).flat()
    : (modelSigningFromEnv().verifyKeys ?? []);
  if (verifyKeys.length === 0) throw new PolyfaasError('InvalidArgument', `No verify key: pass --key <file> or set ${VERIFY_KEYS_ENV}`);
  const store = new ModelStore(await openModelsBucket(url, 'polyfaas models verify'), {
    prefix: values.prefix,
    signing: { verifyKeys, requireSignature: true },
  });
  const { info, signedBy } = await store.verify(name, version);
  io.out.write(`${JSON.stringify({ verified: true, name, version, signedBy, files: info.files.map((f) => f.path) })}\n`);
  return 0;
}

/** A key file's text, or `InvalidArgument` naming the file the user gave. */
export async function readKeyFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    // The path is the user's own argument; repeating it is not a leak.
    throw new PolyfaasError('InvalidArgument', `Cannot read key file ${file}`, { cause: err });
  }
}

function describe(err: unknown): string {
  return isPolyfaasError(err) ? `${err.message} [${err.code}]` : String(err);
}
