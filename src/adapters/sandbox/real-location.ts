import { realpath } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { AbsolutePath } from '../../domain/absolute-path.js';
import { locationPath } from '../../domain/permission-decision.js';

/**
 * Resolved through every link: a link inside the scope can lead out of it, and an unconfined agent's own
 * tool would follow it. A location pods cannot parse is returned as given, for the decision to refuse.
 */
export async function realLocation(raw: string, cwd: AbsolutePath): Promise<string> {
  const parsed = locationPath(raw, cwd);
  if (!parsed.ok) return raw;
  const rest: string[] = [];
  for (let at: string = parsed.value; ; at = dirname(at)) {
    const real = await realpath(at).catch(() => undefined);
    if (real !== undefined) return [real === '/' ? '' : real, ...rest].join('/') || '/';
    if (at === '/') return parsed.value;
    rest.unshift(basename(at));
  }
}
