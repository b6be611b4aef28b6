import type { ColonCommand, Completion } from './colon-command.js';

export type CompleterResult = [string[], string];

/** Plain input is never completed; a lookup that fails offers nothing rather than an error. */
export async function completeTuiLine(
  before: string,
  commands: readonly ColonCommand[],
  candidates: (completion: Completion) => Promise<readonly string[]>,
): Promise<CompleterResult> {
  const text = before.trimStart();
  if (text === '') return [commands.map((c) => `:${c.name}`), before];
  if (!text.startsWith(':')) return [[], before];
  const words = text.slice(1).split(/\s+/);
  const [name = '', ...args] = words;
  if (args.length === 0) {
    const hits = commands.filter((c) => c.name.startsWith(name));
    // A lone hit that takes arguments gets its space, so the next Tab completes those.
    if (hits.length === 1 && hits[0] && hits[0].params.length > 0) return [[`:${hits[0].name} `], text];
    return [hits.map((c) => `:${c.name}`), text];
  }
  const command = commands.find((c) => c.name === name);
  const position = args.length - 1;
  const partial = args[position] ?? '';
  const param = command?.params[position];
  if (!param?.completes) return [[], partial];
  try {
    const names = await candidates(param.completes);
    return [names.filter((n) => n.startsWith(partial)), partial];
  } catch {
    return [[], partial];
  }
}
