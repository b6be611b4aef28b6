import type { ChildProcess } from 'node:child_process';

/**
 * Ends a process started `detached` (the leader of its own group) and everything it started:
 * SIGTERM to the group, SIGKILL after `graceMs`, and SIGKILL once more after the leader is
 * gone for members that outlived it (npm launchers do not pass signals on). Resolves once the
 * leader has exited.
 */
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
