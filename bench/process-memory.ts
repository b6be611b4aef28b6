import { readdir, readFile } from 'node:fs/promises';

/** A field of /proc/<pid>/status in bytes (`VmHWM`, `VmRSS`), undefined if the process is gone. */
export async function statusBytes(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number | undefined> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const kb = text === undefined ? undefined : new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
}

async function pssBytes(pid: number): Promise<number | undefined> {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => undefined);
  const kb = text === undefined ? undefined : /^Pss:\s+(\d+) kB/m.exec(text)?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
}

async function parentOf(pid: number): Promise<number | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  // pid (comm) state ppid …: comm may hold spaces and parentheses, so split after the last ')'.
  const ppid = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

export type TreeMemory = {
  readonly processes: number;
  /** Sum of VmRSS: counts the shared buffers once per process that touched them. */
  readonly rssBytes: number;
  /** Sum of Pss (shared pages divided among their users): what the tree costs the machine. */
  readonly pssBytes: number;
};

/** `root` and its direct children (a postmaster and its backends and workers), from /proc. */
export async function treeMemory(root: number): Promise<TreeMemory> {
  const pids = [root];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid !== root && (await parentOf(pid)) === root) pids.push(pid);
  }
  let rss = 0;
  let pss = 0;
  let processes = 0;
  for (const pid of pids) {
    const r = await statusBytes(pid, 'VmRSS');
    if (r === undefined) continue;
    processes += 1;
    rss += r;
    pss += (await pssBytes(pid)) ?? 0;
  }
  if (processes === 0) throw new Error(`no process ${root} to measure`);
  return { processes, rssBytes: rss, pssBytes: pss };
}

export const mib = (bytes: number | undefined): string => (bytes === undefined ? 'n/a' : `${(bytes / 2 ** 20).toFixed(1)} MiB`);
