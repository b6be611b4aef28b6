import type { ChildProcess } from 'node:child_process';

/** SIGKILL once more after the leader is gone, for members that outlived it (npm launchers pass no signals on). */
export async function endProcessGroup(child: ChildProcess, exited: Promise<unknown>, graceMs = 2_000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-pid, name);
    } catch {
      // The group is gone.
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    if (timer) clearTimeout(timer);
    signal('SIGKILL');
    await exited;
  }
  signal('SIGKILL');
}
