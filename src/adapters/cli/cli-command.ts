import type { ParseArgsConfig } from 'node:util';
import type { PodsApp } from '../../application/pods-app.js';
import type { ProfileCatalog } from '../../application/ports/profile-catalog.js';
import type { Result } from '../../domain/result.js';
import type { ServerStatus } from '../persistence/managed-postgres/server-status.js';
import type { ImportCounts } from '../persistence/pglite-import/import-pglite-store.js';
import type { TextOutput } from '../presentation/text-output.js';
import { EXIT, type ExitCode, type ProcessIo } from '../process-io.js';

export type OptionValues = Readonly<Record<string, string | boolean | readonly (string | boolean)[] | undefined>>;

export type CommandArgs = {
  /** Every word that is not an option, also those after `--`. */
  readonly positionals: readonly string[];
  /** The words after `--` (the tail of positionals); absent when the line has no `--`. */
  readonly afterDoubleDash?: readonly string[];
  readonly values: OptionValues;
  readonly cwd: string;
};

export type CommandContext = { readonly app: PodsApp; readonly out: TextOutput; readonly io: ProcessIo };

export type CommandRun = (context: CommandContext) => Promise<ExitCode>;

export type StoreServerStatus = ServerStatus;

export type ImportSummary = ImportCounts;

/** Throws one-line Errors, also when `--db` selects no managed store. */
export type StoreControl = {
  readonly home: string;
  readonly status: () => Promise<StoreServerStatus>;
  readonly start: () => Promise<{ readonly started: boolean; readonly pid: number | undefined }>;
  readonly stop: () => Promise<{ readonly stopped: false } | { readonly stopped: true; readonly pid: number; readonly connections: number }>;
  readonly remove: () => Promise<{ readonly removed: readonly string[] }>;
  /** Copies every Pod, relation and history of a PGlite store (made by an earlier pods) into this one. */
  readonly importPglite: (dir: string) => Promise<ImportSummary>;
};

export type ControlContext = { readonly control: StoreControl; readonly out: TextOutput };

export type ControlRun = { readonly control: (context: ControlContext) => Promise<ExitCode> };

export type ProfileRun = { readonly profiles: (profiles: ProfileCatalog, out: TextOutput) => Promise<ExitCode> };

/** Its parser rejects bad input before any store is opened. */
export type CliCommand = {
  readonly name: string;
  readonly usage: string;
  /** The usage `pods --help` lists, when `usage` is too long for its 80 columns; `pods COMMAND --help` shows `usage`. */
  readonly shortUsage?: string;
  readonly summary: string;
  readonly details: string;
  readonly options?: NonNullable<ParseArgsConfig['options']>;
  readonly optionHelp?: readonly (readonly [string, string])[];
  readonly parse: (args: CommandArgs) => Result<CommandRun | ControlRun | ProfileRun, string>;
};

export function refuse(out: TextOutput, reason: string): ExitCode {
  out.fail(reason);
  return EXIT.refused;
}
