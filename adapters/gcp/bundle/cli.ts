import { parseArgs } from 'node:util';
import { parseBucketFlags } from '../../../cli/bundle/bucket-flags.js';
import type { Io } from '../../../cli/registry.js';
import { formatBytes, shortPath } from '../../../cli/bundle/esbuild-bundle.js';
import { PolyfaasError } from '../../../src/index.js';
import { bundleGcpApp } from './gcp-bundle.js';

const USAGE = `polyfaas bundle gcp <entry-file> [options]

Bundles the app behind <entry-file> (a tiny file that exports the app and calls
registerGcp(app), e.g. examples/fashion-mnist/gcp.ts) into one Cloud Functions
(2nd gen) source folder: index.mjs, the tfjs WASM files and a package.json whose
dependencies (Functions Framework, Cloud Storage client, sharp) Cloud Build
installs. Prints the gcloud command that deploys each function.

Options:
  --out <dir>             parent output folder (default dist/gcp)
  --bucket <name>=<url>   bind a logical bucket, e.g. --bucket data=gs://my-bucket/fashion/
                          (repeatable; needed by storage triggers)
  --region <region>       default us-central1
  --runtime <runtime>     default nodejs20
  --export <name>         named export holding the app (default: app, then default)
  --no-minify             keep the bundle readable
  -h, --help              show this help`;

/**
 * `polyfaas bundle gcp`: write the deployable source folder and print the
 * `gcloud functions deploy` command for every function.
 */
export async function bundleCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string', default: 'dist/gcp' },
      bucket: { type: 'string', multiple: true, default: [] },
      region: { type: 'string' },
      runtime: { type: 'string' },
      export: { type: 'string' },
      'no-minify': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out.write(`${USAGE}\n`);
    return 0;
  }
  const entry = positionals[0];
  if (!entry) throw new PolyfaasError('InvalidArgument', `Name the entry file.\n\n${USAGE}`);
  const buckets = parseBucketFlags(values.bucket, 'gs');
  const result = await bundleGcpApp({
    entry,
    outDir: values.out,
    buckets,
    ...(values.region ? { region: values.region } : {}),
    ...(values.runtime ? { runtime: values.runtime } : {}),
    ...(values.export ? { exportName: values.export } : {}),
    ...(values['no-minify'] ? { minify: false } : {}),
  });
  io.out.write(`Source folder ${shortPath(result.sourceDir)}: ${formatBytes(result.bundle.jsBytes)} JS + ${formatBytes(result.bundle.wasmBytes)} WASM\n`);
  io.out.write(`Dependencies installed by Cloud Build: ${Object.entries(result.packageJson.dependencies as Record<string, string>).map(([n, v]) => `${n}@${v}`).join(', ')}\n\n`);
  for (const plan of result.plans) {
    io.out.write(`# ${plan.function}: ${plan.trigger}, ${plan.memoryMb} MiB, ${plan.timeoutSeconds} s\n`);
    for (const step of plan.setup) io.out.write(`${step}\n`);
    io.out.write(`${plan.command}\n\n`);
  }
  return 0;
}
