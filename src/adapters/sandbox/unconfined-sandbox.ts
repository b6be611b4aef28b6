import type { ConfineRefusal, Confined, Launch, Sandbox, SandboxProbe } from '../../application/ports/sandbox.js';
import type { Confinement } from '../../domain/confinement.js';
import { ok, type Result } from '../../domain/result.js';

export const UNCONFINED_MEANS =
  'unconfined: the agent runs as this OS user and can read and write whatever that user can, pods\' store included ' +
  '(it can run pods itself and act as any Pod); only pods\' permission answers and its file methods check the scope';

/** `--sandbox none`: the launch runs as given. Only a profile that says so gets this. */
export class UnconfinedSandbox implements Sandbox {
  readonly mode = 'none';

  async probe(): Promise<SandboxProbe> {
    return { available: true, label: 'unconfined' };
  }

  async confine(launch: Omit<Launch, 'extraFds'>, _confinement: Confinement): Promise<Result<Confined, ConfineRefusal>> {
    return ok({
      launch: { ...launch, extraFds: [] },
      confined: false,
      passesSignals: true,
      plan: { mounts: [], limits: [UNCONFINED_MEANS] },
      release: async () => {},
    });
  }
}
