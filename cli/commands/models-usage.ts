// Kept apart from models.ts so `polyfaas --help` does not load the model store (and tfjs).
import { MODEL_SIGNING_ALGORITHMS } from '../../src/model/signing-keys.js';
import { SIGNING_KEY_ENV, VERIFY_KEYS_ENV } from '../../src/model/signing-policy.js';

/** Help of `polyfaas models` and each of its subcommands. */
export const MODELS_USAGE = {
  models: `polyfaas models <keygen|sign|verify|import> [options]

Sign models in a bucket and check their signatures (see docs/security.md);
import models trained elsewhere.

  keygen   make a signing key pair (or HMAC secret) with a key id
  sign     sign existing model versions and aliases with a key
  verify   check one version's signature and every file's digest
  import   store an ONNX file or a tf.js model folder as a new version

Run "polyfaas models <subcommand> --help" for its options.`,
  keygen: `polyfaas models keygen [--algorithm ed25519] [--key-id <id>] [--out <path>]

Makes a model signing key. Algorithms: ${MODEL_SIGNING_ALGORITHMS.join(', ')}
(ecdsa-p256 is what the OpenSSF model_signing tool verifies; hmac-sha256 is
one shared secret that both signs and verifies). The key id defaults to
<algorithm>-<16 hex digits of the public key's SHA-256>.

Without --out, prints the two environment lines, secret first:
  ${SIGNING_KEY_ENV}=<keyId>:<algorithm>:<base64 PKCS#8>   (trainer / CI only)
  ${VERIFY_KEYS_ENV}=<keyId>:<algorithm>:<base64 SPKI>    (every server)
With --out <path>, writes <path>.key (secret, mode 600), <path>.pub and
<path>.pem (the public key as PEM) and refuses to overwrite existing files.

Options:
  --algorithm <a>  ed25519 (default), ecdsa-p256 or hmac-sha256
  --key-id <id>    1-64 of A-Z a-z 0-9 . _ -
  --out <path>     write files instead of printing
  -h, --help       show this help`,
  sign: `polyfaas models sign <bucket-url> <name> [version] [--prefix models/] [--key <file>] [--replace]

Signs a version of model <name> that was saved without a signature (all of
them when no version is given, and then every alias that is not yet signed).
Each file is checked against the version's manifest first; signing vouches
for what is stored now, so sign only a store you trust. The key comes from
--key (a file keygen wrote) or ${SIGNING_KEY_ENV}; keys in
${VERIFY_KEYS_ENV} are trusted as well (earlier keys while rotating).
<bucket-url> is file:///abs/dir, s3://bucket, gs://bucket or azblob://container.

Options:
  --prefix <p>   the model store's folder (default models/)
  --key <file>   the signing key (<keyId>:<algorithm>:<base64> or PEM)
  --replace      replace existing signatures (re-sign with a new key)
  -h, --help     show this help`,
  verify: `polyfaas models verify <bucket-url> <name> <version> [--prefix models/] [--key <file>]...

Checks that <name>/<version> is signed by a trusted key, that neither its
manifest nor any file changed since, and prints the key id. Exits 1 with the
error code (Forbidden: unsigned, unknown key, altered; DataLoss: a file's
bytes differ) otherwise. Trusted keys come from --key files (public keys,
repeatable) or ${VERIFY_KEYS_ENV}.

Options:
  --prefix <p>   the model store's folder (default models/)
  --key <file>   a trusted public key (<keyId>:<algorithm>:<base64> or PEM)
  -h, --help     show this help`,
  import: `polyfaas models import <bucket-url> <name> <file|folder> [options]

Stores a model trained elsewhere as a new version of <name>, checked by
loading it and running it once, signed when a signing key is configured
(--key or ${SIGNING_KEY_ENV}). Serve it like any version: promote it and
the predict function picks it up. Formats:
  model.onnx       ONNX (e.g. torch.onnx.export); served by the optional
                   package onnxruntime-web. A [1|3, H, W] input (PyTorch's
                   image layout) is served as [H, W, C] images.
  folder/          tf.js model.json + weight shards, Layers or graph format
                   (graph models need the optional @tensorflow/tfjs-converter).
Keras .keras/.h5 files are not imported: convert them first (README,
"Bring your own model").

Options:
  --labels <a,b,…>      class names in output order
  --labels-file <file>  class names, one per line
  --input-shape <h,w,c> one example's shape, when the model leaves it open
  --scale <s>           pixel scaling used in training (default 1/255)
  --mean <m,…>          per-channel mean subtracted after scaling
  --std <s,…>           per-channel standard deviation
  --channels-first / --channels-last   override the ONNX image-layout guess
  --promote <alias>     point this alias (e.g. production) at the new version
  --prefix <p>          the model store's folder (default models/)
  --key <file>          the signing key (default ${SIGNING_KEY_ENV})
  -h, --help            show this help`,
} as const;

