import { access, constants, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, sep } from 'node:path';
import { AbsolutePath } from '../../domain/absolute-path.js';

/** A program in a `node_modules` tree needs the whole tree (it loads its dependencies from there); any other, its own directory. */
export async function agentInstallation(command: string, path: string | undefined): Promise<readonly AbsolutePath[]> {
  const program = await locate(command, path);
  if (!program) return [];
  const real = await realpath(program).catch(() => program);
  const inModules = real.indexOf(`${sep}node_modules${sep}`);
  const root = inModules >= 0 ? real.slice(0, inModules + `${sep}node_modules`.length) : dirname(real);
  const parsed = AbsolutePath.parse(root);
  return parsed.ok ? [parsed.value] : [];
}

async function locate(command: string, path: string | undefined): Promise<string | undefined> {
  if (isAbsolute(command)) return command;
  if (command.includes('/')) return undefined;
  for (const dir of (path ?? '').split(':')) {
    if (!isAbsolute(dir)) continue;
    const candidate = join(dir, command);
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) return candidate;
  }
  return undefined;
}
