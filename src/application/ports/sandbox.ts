import type { ServiceIdentifier } from 'inversify';
import type { ConfinementPlan } from '../../domain/confinement-plan.js';
import type { Confinement } from '../../domain/confinement.js';
import { displayValue } from '../../domain/display.js';
import type { Result } from '../../domain/result.js';

export type Launch = {
  readonly file: string;
  readonly args: readonly string[];
  /** Exactly the environment the process gets; nothing of the host's is added. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** Received as 3, 4, … in this order (`stdio: [in, out, err, ...extraFds]`); the confined process never sees them. */
  readonly extraFds: readonly number[];
};

export type SandboxProbe =
  | { readonly available: true; readonly label: string }
  /** `reason`: one line that says why, and how to fix it. */
  | { readonly available: false; readonly reason: string };

export type Confined = {
  readonly launch: Launch;
  readonly confined: boolean;
  /** Whether a signal to the launched process reaches the program (bubblewrap passes none on: it dies of it, and the program with it). */
  readonly passesSignals: boolean;
  readonly plan: ConfinementPlan;
  /** Closes the descriptors `launch.extraFds` holds: call once the process is spawned (or was not). */
  readonly release: () => Promise<void>;
};

export type ConfineRefusal =
  | { readonly type: 'SandboxUnavailable'; readonly reason: string }
  | { readonly type: 'ProgramNotVisible'; readonly program: string }
  | { readonly type: 'WorkingDirectoryNotVisible'; readonly cwd: string };

export function describeConfineRefusal(refusal: ConfineRefusal): string {
  switch (refusal.type) {
    case 'SandboxUnavailable':
      return `no sandbox: ${refusal.reason}`;
    case 'ProgramNotVisible':
      return `the agent's program ${displayValue(refusal.program)} is not readable inside the sandbox; add its installation to the profile's read-only paths`;
    case 'WorkingDirectoryNotVisible':
      return `the working directory ${displayValue(refusal.cwd)} is not inside the Pod's scope, so the sandboxed agent cannot start there`;
  }
}

/** Each call reads the filesystem as it is now: confine again when the Pod's scope changes. */
export interface Sandbox {
  readonly mode: string;
  probe(): Promise<SandboxProbe>;
  confine(launch: Omit<Launch, 'extraFds'>, confinement: Confinement): Promise<Result<Confined, ConfineRefusal>>;
}
export const SANDBOX = Symbol.for('Sandbox') as ServiceIdentifier<Sandbox>;
