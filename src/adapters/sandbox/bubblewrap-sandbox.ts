import { lstat, readdir, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ConfineRefusal, Confined, Launch, Sandbox, SandboxProbe } from '../../application/ports/sandbox.js';
import { AbsolutePath } from '../../domain/absolute-path.js';
import { confinementPlan } from '../../domain/confinement-plan.js';
import type { Confinement } from '../../domain/confinement.js';
import { err, ok, type Result } from '../../domain/result.js';
import { bubblewrapMounts, type Link } from './bubblewrap-mounts.js';
import { findOnPath, probeBubblewrap, type ProbeOptions } from './bubblewrap-probe.js';
import { hostRuntimePaths } from './host-runtime-paths.js';

/** More subdirectories than this under one non-recursive rule are not narrowed one by one. */
const MAX_SUBDIRECTORIES = 256;

/** Namespaces: all new but the network (model APIs); no capabilities; killed with its parent; no terminal to inject into. */
const ISOLATION = ['--unshare-all', '--share-net', '--die-with-parent', '--new-session', '--cap-drop', 'ALL'];

/** Only the returned launch's own environment reaches the process; its arguments carry paths, never the environment. */
export class BubblewrapSandbox implements Sandbox {
  readonly mode = 'bwrap';
  private probed: Promise<SandboxProbe & { readonly bwrap?: string }> | undefined;

  constructor(private readonly options: ProbeOptions & { readonly runtimePaths?: readonly string[] } = {}) {}

  probe(): Promise<SandboxProbe> {
    return (this.probed ??= probeBubblewrap(this.options));
  }

  async confine(launch: Omit<Launch, 'extraFds'>, confinement: Confinement): Promise<Result<Confined, ConfineRefusal>> {
    const probed = await (this.probed ??= probeBubblewrap(this.options));
    if (!probed.available) return err({ type: 'SandboxUnavailable', reason: probed.reason });

    const { confinement: real, links, limits } = await realConfinement(confinement, this.options.runtimePaths ?? hostRuntimePaths());
    const nonRecursive = [...real.scope.grants, ...real.scope.lentWrite].filter((r) => !r.recursive).map((r) => r.target);
    const subdirectories = new Map<AbsolutePath, readonly AbsolutePath[]>();
    for (const target of nonRecursive) subdirectories.set(target, await realSubdirectories(target, limits));
    const plan = confinementPlan(real, (target) => subdirectories.get(target) ?? []);
    const mounts = await bubblewrapMounts(real, plan, links);
    const release = async () => void (await Promise.all(mounts.handles.map((h) => h.close())));

    const program = await programPath(launch);
    const cwd = await realpath(launch.cwd).catch(() => launch.cwd);
    const refusal: ConfineRefusal | undefined = !program || !mounts.visible(program)
      ? { type: 'ProgramNotVisible', program: program ?? launch.file }
      : !mounts.visible(cwd) ? { type: 'WorkingDirectoryNotVisible', cwd: launch.cwd } : undefined;
    if (refusal) {
      await release();
      return err(refusal);
    }
    const args = [...ISOLATION, ...mounts.args, '--chdir', launch.cwd, '--', launch.file, ...launch.args];
    return ok({
      launch: { file: probed.bwrap ?? 'bwrap', args, env: launch.env, cwd: '/', extraFds: mounts.handles.map((h) => h.fd) },
      confined: true,
      passesSignals: false,
      plan: { mounts: plan.mounts, limits: [...plan.limits, ...limits, ...mounts.limits] },
      release,
    });
  }
}

/** Paths made real so mounts land where the files are; scope rules stay as given (judged where they are mounted). */
async function realConfinement(c: Confinement, runtime: readonly string[]): Promise<{ confinement: Confinement; links: Link[]; limits: string[] }> {
  const links: Link[] = [];
  const limits: string[] = [];
  const readOnly: AbsolutePath[] = [];
  for (const [index, path] of [...runtime, ...c.readOnly].entries()) {
    const real = await realpath(path).catch(() => undefined);
    if (!real) {
      if (index >= runtime.length) limits.push(`read-only path ${path} does not exist: not in the sandbox`);
      continue;
    }
    readOnly.push(AbsolutePath.unsafe(real));
    const isLink = real !== path && (await lstat(path).then((l) => l.isSymbolicLink(), () => false)) && (await realpath(dirname(path)).catch(() => '')) === dirname(path);
    if (isLink) links.push({ link: path, target: real });
  }
  const realOf = async (path: AbsolutePath) => AbsolutePath.unsafe(await realpath(path).catch(() => path));
  const withheld = await Promise.all(c.withheld.map(realOf));
  const stateDirectory = c.stateDirectory && (await realOf(c.stateDirectory));
  return { confinement: { ...c, readOnly, withheld, ...(stateDirectory ? { stateDirectory } : {}) }, links, limits };
}

/** A non-recursive rule's real subdirectories now (links are not followed), at most MAX_SUBDIRECTORIES. */
async function realSubdirectories(target: AbsolutePath, limits: string[]): Promise<readonly AbsolutePath[]> {
  if ((await realpath(target).catch(() => undefined)) !== target) return [];
  const entries = await readdir(target, { withFileTypes: true }).catch(() => []);
  const directories = entries.filter((e) => e.isDirectory()).map((e) => AbsolutePath.unsafe(`${target === '/' ? '' : target}/${e.name}`));
  if (directories.length > MAX_SUBDIRECTORIES) {
    limits.push(`${target} has ${directories.length} subdirectories; only the first ${MAX_SUBDIRECTORIES} are narrowed to its non-recursive rule`);
  }
  return directories.slice(0, MAX_SUBDIRECTORIES);
}

async function programPath(launch: Omit<Launch, 'extraFds'>): Promise<string | undefined> {
  const found = launch.file.includes('/')
    ? isAbsolute(launch.file) ? launch.file : resolve(launch.cwd, launch.file)
    : await findOnPath(launch.file, launch.env['PATH'] ?? '');
  return found && realpath(found).catch(() => undefined);
}
