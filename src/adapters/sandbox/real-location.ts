import { realpath } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { AbsolutePath } from '../../domain/absolute-path.js';
import { locationPath } from '../../domain/permission-decision.js';

/** Resolved through every link, which an unconfined agent's tool would follow; unparsable ones go back as given. */
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
