/**
 * A user's project outside the repository, with polyfaas installed from the
 * tarball `npm pack` makes: what `npm install polyfaas` would give a user.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** What a finished command printed. */
export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a command to its end without throwing on a non-zero exit (the tests check the code). */
export function runCommand(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Ran> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** Run a command that must succeed; its output otherwise becomes the error. */
export async function mustRun(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Ran> {
  const ran = await runCommand(command, args, options);
  if (ran.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${ran.code}\n${ran.stdout}\n${ran.stderr}`);
  return ran;
}

/**
 * `npm pack` the package from a staging copy of its sources, so the build
 * `prepack` runs cannot race another test that builds `dist/` in the repository.
 *
 * @returns the tarball's path.
 */
export async function packPackage(): Promise<string> {
  const staging = await mkdtemp(join(tmpdir(), 'polyfaas-pack-'));
  // The folders the build compiles, read from its config so a new top-level folder cannot be left out.
  const { include } = JSON.parse(await readFile(join(root, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
  for (const entry of ['package.json', 'README.md', 'tsconfig.json', 'tsconfig.build.json', ...include]) {
    await cp(join(root, entry), join(staging, entry), { recursive: true, filter: (from) => !from.includes(`${'/'}node_modules`) });
  }
  await symlink(join(root, 'node_modules'), join(staging, 'node_modules'), 'dir');
  const out = join(staging, 'tarball');
  await mkdir(out);
  await mustRun('npm', ['pack', '--pack-destination', out, '--silent'], { cwd: staging, timeoutMs: 240_000 });
  const [tarball] = (await readdir(out)).filter((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack wrote no tarball in ${out}`);
  return join(out, tarball);
}

/** A copy of test/consumer/project in a fresh temporary folder outside the repository. */
export async function newProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'polyfaas-consumer-'));
  await cp(join(import.meta.dirname, 'project'), dir, { recursive: true });
  return dir;
}

/**
 * `npm install` into the project, from the npm cache when it holds the
 * packages (CI's `npm ci` put the same versions there).
 */
export async function npmInstall(project: string, specs: readonly string[]): Promise<void> {
  await mustRun('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--save-dev', ...specs], { cwd: project, timeoutMs: 300_000 });
}

/** `name@version` with the version the repository itself develops against (its devDependencies), so the cache serves it. */
export async function pinned(names: readonly string[]): Promise<string[]> {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string>; dependencies: Record<string, string> };
  return names.map((name) => {
    const version = pkg.devDependencies[name] ?? pkg.dependencies[name];
    if (!version) throw new Error(`${name} is not a dependency of the repository`);
    return `${name}@${version}`;
  });
}
