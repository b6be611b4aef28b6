import { describePodNotFound } from '../../application/errors.js';
import type { PodsApp } from '../../application/pods-app.js';
import type { PodDriver } from '../../domain/pod-status.js';
import type { PodName } from '../../domain/pod-name.js';
import { ScopeRule } from '../../domain/scope-rule.js';
import { refuse } from './cli-command.js';
import type { ExitCode } from '../process-io.js';
import type { TextOutput } from '../presentation/text-output.js';
import { printable } from '../presentation/printable.js';

/** `create` holds the Pod from the start, so `pods serve` cannot take it first; without it a typo creates nothing. */
export async function podToRun(
  app: PodsApp,
  out: TextOutput,
  options: {
    readonly name: PodName;
    readonly create: ScopeRule | undefined;
    readonly hold: PodDriver;
    readonly announce: (line: string) => void;
    readonly ask?: { readonly rule: ScopeRule; readonly question: (text: string) => Promise<boolean> };
  },
): Promise<ExitCode | undefined> {
  const { name, hold, ask } = options;
  let create = options.create;
  if (!create && ask && !(await app.readHistory.execute({ pod: name, limit: 1 })).ok) {
    if (!(await ask.question(`pod \`${name}\` does not exist; create it?`))) {
      return refuse(out, `${describePodNotFound(name)}; nothing was created (\`pods create ${name}\` or --create creates it)`);
    }
    create = ask.rule;
  }
  if (create) {
    const created = await app.createPod.execute({ name, scope: [create], hold });
    if (created.ok) options.announce(`created pod \`${name}\` with scope ${printable(ScopeRule.describe(create))}`);
    return undefined;
  }
  if ((await app.readHistory.execute({ pod: name, limit: 1 })).ok) return undefined;
  return refuse(out, `${describePodNotFound(name)}; create it with \`pods create ${name}\` or pass --create`);
}
