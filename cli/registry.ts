import type { Io } from '../bundling/command.js';
import { isPolyfaasError, PolyfaasError } from '../src/errors.js';
import { cloudBundler } from './clouds.js';
import { MODELS_USAGE } from './commands/models-usage.js';
import { TRAIN_USAGE } from './train/train-options.js';

export type { Io } from '../bundling/command.js';

/** One CLI command: its help text and a lazily loaded implementation. */
export interface Command {
  summary: string;
  usage: string;
  run: (args: string[], io: Io) => Promise<number>;
}

/** Every command the CLI knows. */
export const commands: Record<string, Command> = {
  serve: {
    summary: 'Run an app on the local runtime (file buckets + HTTP server)',
    usage: `polyfaas serve <app-module> [--port 3000] [--host 127.0.0.1] [--export app]

Imports <app-module> (a .ts, .mts or .js file exporting an app made with
defineApp; TypeScript is compiled with esbuild, no loader needed),
registers the file:// and mem:// bucket schemes, and serves its HTTP triggers
while firing its storage, queue and schedule triggers locally.

Options:
  --port <n>       port to listen on (default 3000, 0 = any free port)
  --host <addr>    address to bind (default 127.0.0.1)
  --export <name>  named export holding the app (default: "app", then "default")
  -h, --help       show this help`,
    run: async (args, io) => (await import('./commands/serve.js')).serveCommand(args, io),
  },
  train: {
    summary: 'Train an image or text classifier on your folder or file, then serve it',
    usage: TRAIN_USAGE,
    run: async (args, io) => (await import('./commands/train.js')).trainCommand(args, io),
  },
  'dead-letters': {
    summary: 'List the dead letters a local server kept on disk',
    usage: `polyfaas dead-letters <dir> [--app <name>]

Prints one JSON object a line for each event that failed every attempt on the
local runtime: id, function, attempts, error, time and subject. <dir> is the
delivery journal directory (serve's stateDir), or with --app the root of the
app's first file bucket (the journal is then <dir>/.polyfaas/delivery/<app>/).
A running server retries one with server.retryDeadLetter(id).

Options:
  --app <name>     the app's name, when <dir> is a bucket root
  -h, --help       show this help`,
    run: async (args, io) => (await import('./commands/dead-letters.js')).deadLettersCommand(args, io),
  },
  bundle: {
    summary: 'Bundle an app for a cloud: one deployable artifact per function, with sizes and deploy files',
    usage: `polyfaas bundle <aws|gcp|azure> <entry-file> [options]

Bundles the functions of the app behind <entry-file> (a tiny per-cloud .ts or
.js entry that imports your app and the cloud adapter, e.g. src/aws.ts) with
esbuild into .polyfaas/<cloud>/<app>, writes the cloud's deployment files and
prints the commands that deploy them. The TensorFlow.js WASM files and sharp
ship only with code that uses a model or decodes images.

What each cloud needs installed besides polyfaas:
  aws    @aws-sdk/client-s3 @aws-sdk/lib-storage
  gcp    @google-cloud/functions-framework @google-cloud/storage
  azure  @azure/functions @azure/storage-blob

Run "polyfaas bundle <cloud> --help" for that cloud's options.`,
    run: async (args, io) => (await import('../bundling/command.js')).runBundleCommand(await cloudBundler(args[0]), args.slice(1), io),
  },
  deploy: {
    summary: 'Deploy bundled functions to a cloud (aws)',
    usage: `polyfaas deploy aws [<entry-file>] [--dry-run] [options]

Creates or updates every function bundled by "polyfaas bundle aws" (needs
@aws-sdk/client-lambda and @aws-sdk/client-s3). --dry-run prints the plan and
changes nothing. Run "polyfaas deploy aws --help" for the options.`,
    run: async (args, io) => {
      const { deploy } = await cloudBundler(args[0]);
      if (!deploy) throw new PolyfaasError('Unimplemented', `polyfaas deploy supports aws; for ${args[0]} use the command polyfaas bundle prints`);
      return (await import('../bundling/command.js')).runDeployCommand(args[0] as string, deploy, args.slice(1), io);
    },
  },
  cost: {
    summary: "Print a run's compute time and its cost on AWS, GCP and Azure",
    usage: 'polyfaas cost <run-cost.json | invocations.json> [--prices <prices.json>] [--json]  (polyfaas cost --help for more)',
    run: async (args, io) => (await import('./commands/cost.js')).costCommand(args, io),
  },
  models: {
    summary: 'Sign, verify and import models in a bucket: keygen, sign, verify, import',
    usage: MODELS_USAGE.models,
    run: async (args, io) => (await import('./commands/models.js')).modelsCommand(args, io),
  },
  version: {
    summary: 'Print the polyfaas version',
    usage: 'polyfaas version\n\nPrints the installed polyfaas version.',
    run: async (_args, io) => {
      io.out.write(`${(await import('../bundling/entry/packages.js')).polyfaasVersion()}\n`);
      return 0;
    },
  },
};

/** Commands whose subcommands print their own help. */
const SUBCOMMAND_HELP = new Set(['bundle', 'deploy', 'models']);

/** Print the top-level help. */
export function printHelp(io: Io, all: Record<string, Command>): void {
  const width = Math.max(...Object.keys(all).map((n) => n.length));
  io.out.write(`polyfaas — one AI pipeline on AWS Lambda, Google Cloud Functions, Azure Functions and your laptop

Usage: polyfaas <command> [options]

Commands:
${Object.entries(all)
  .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  .join('\n')}

Run "polyfaas <command> --help" for a command's options.
`);
}

/** Dispatch argv to a command; returns the process exit code. */
export async function runCommand(
  argv: string[],
  all: Record<string, Command>,
  io: Io & { printHelp: (io: Io, all: Record<string, Command>) => void },
): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.printHelp(io, all);
    return 0;
  }
  if (name === '--version' || name === '-v') return all.version?.run([], io) ?? 0;
  const command = all[name];
  if (!command) {
    io.err.write(`polyfaas: unknown command "${name}"\n\n`);
    io.printHelp({ out: io.err, err: io.err }, all);
    return 2;
  }
  // Only a leading --help is ours: `bundle aws --help` and `models sign --help` belong to the subcommand.
  if (rest[0] === '--help' || rest[0] === '-h' || (!SUBCOMMAND_HELP.has(name) && (rest.includes('--help') || rest.includes('-h')))) {
    io.out.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    const code = isPolyfaasError(err) ? ` [${err.code}]` : '';
    // The code ends the first line, so a following line (an npm install command) copies cleanly.
    const [first, ...more] = (err instanceof Error ? err.message : String(err)).split('\n');
    io.err.write(`polyfaas ${name}: ${first}${code}\n${more.map((line) => `${line}\n`).join('')}`);
    return 1;
  }
}
