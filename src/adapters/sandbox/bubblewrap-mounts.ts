import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AbsolutePath } from '../../domain/absolute-path.js';
import type { ConfinementPlan, Mount } from '../../domain/confinement-plan.js';
import { accessAt, allows, type Access, type Confinement } from '../../domain/confinement.js';
import { inspectHostPath } from './host-path.js';

export type Link = { readonly link: string; readonly target: string };

/** One made mount: `bound` shows the host's files; otherwise the sandbox made it (tmpfs, proc, dev). */
type Made = { readonly path: string; readonly access: Access; readonly bound: boolean };

export type BubblewrapMounts = {
  readonly args: readonly string[];
  /** Bound by descriptor, passed to bwrap as 3, 4, …; bwrap closes them before the agent runs. */
  readonly handles: readonly FileHandle[];
  readonly limits: readonly string[];
  readonly visible: (path: string) => boolean;
};

/** The sandbox's own: a fresh /proc (new pid namespace), a minimal /dev, a private /tmp. */
const OWN: readonly Made[] = [
  { path: '/proc', access: 'read', bound: false },
  { path: '/dev', access: 'write', bound: false },
  { path: '/tmp', access: 'write', bound: false },
];
const OWN_ARGS = ['--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp'];

const RANK: Readonly<Record<Access, number>> = { none: 0, read: 1, write: 2 };
const within = (path: string, outer: string) => AbsolutePath.isWithin(AbsolutePath.unsafe(path), AbsolutePath.unsafe(outer));

/**
 * Bound by no-follow descriptors, so nothing swapped in after the check is followed; a link is shown only when
 * its target has the access its rule asks, and a missing narrowing path gets an empty read-only stand-in.
 */
export async function bubblewrapMounts(c: Confinement, plan: ConfinementPlan, links: readonly Link[]): Promise<BubblewrapMounts> {
  const made: Made[] = [];
  const args: string[] = [];
  const handles: FileHandle[] = [];
  const limits: string[] = [];
  const readOnlyAtEnd: string[] = [];
  const showLinks = [...links];
  const nearest = (path: string) => made.findLast((m) => within(path, m.path));

  const hide = (path: string, directory: boolean) => {
    if (directory) {
      args.push('--tmpfs', path);
      readOnlyAtEnd.push(path);
    } else args.push('--ro-bind', '/dev/null', path);
    made.push({ path, access: 'none', bound: false });
  };

  const mountOne = async ({ path, access }: Mount) => {
    if (OWN.some((own) => within(path, own.path) && (own.path !== '/tmp' || path === '/tmp'))) {
      limits.push(`${path}: ${path === '/tmp' ? '/tmp is private to the agent' : "/proc and /dev are the sandbox's own"}; not bound`);
      return;
    }
    // Only host files shown above need narrowing: the private /tmp and the stand-ins hold none.
    const above = nearest(path);
    const narrows = !!above?.bound && RANK[access] < RANK[above.access];
    const host = await inspectHostPath(path);
    switch (host.kind) {
      case 'directory':
      case 'file':
        if (access === 'none') {
          await host.handle.close();
          return hide(path, host.kind === 'directory');
        }
        handles.push(host.handle);
        args.push(access === 'write' ? '--bind-fd' : '--ro-bind-fd', String(2 + handles.length), path);
        return void made.push({ path, access, bound: true });
      case 'missing':
        if (narrows && above?.access === 'write') {
          hide(path, true);
          return void limits.push(`${path} does not exist: an empty read-only directory stands in for it (made on the host, in the writable directory above it)`);
        }
        if (!narrows) limits.push(`${path} ${host.reason} when the agent starts: not in the sandbox`);
        return;
      case 'link':
        if (narrows) return void limits.push(`${path} is a symbolic link: not narrowed here; where it leads keeps its own access`);
        if (host.realPath && allows(accessAt(c, AbsolutePath.unsafe(host.realPath)).access, access)) {
          return void showLinks.push({ link: path, target: host.realPath });
        }
        return void limits.push(`${path} is a symbolic link to ${host.realPath ?? 'nothing'}, outside what its rule grants: not in the sandbox`);
      case 'special':
        if (access === 'none') return hide(path, false);
        return void limits.push(`${path} is not a file or directory (a FIFO, socket or device): not in the sandbox`);
    }
  };

  try {
    // The root first when it is bound, then the sandbox's own mounts, then the rest, parents first.
    const [first, ...rest] = plan.mounts;
    const rootBound = first?.path === '/';
    if (first && rootBound) await mountOne(first);
    made.push(...OWN);
    args.push(...OWN_ARGS);
    for (const mount of rootBound ? rest : plan.mounts) await mountOne(mount);
  } catch (error) {
    await Promise.all(handles.map((h) => h.close()));
    throw error;
  }
  for (const { link, target } of showLinks) {
    // Inside a bound directory the host's own link is already there.
    if (!nearest(dirname(link))?.bound) args.push('--symlink', target, link);
  }
  const rootShown = made.some((m) => m.path === '/' && m.bound);
  for (const path of [...readOnlyAtEnd, ...(rootShown ? [] : ['/'])]) args.push('--remount-ro', path);
  // The private /tmp and the stand-ins show nothing of the host.
  const visible = (path: string) => {
    const shown = nearest(path);
    return !!shown?.bound && shown.access !== 'none';
  };
  return { args, handles, limits, visible };
}
