import type { PodsApp } from '../../application/pods-app.js';
import type { CommandRun, ProfileRun, StoreControl } from './cli-command.js';
import { EXIT, type ExitCode, type ProcessIo } from '../process-io.js';
import type { ProfileCatalog } from '../../application/ports/profile-catalog.js';
import { CLI_COMMANDS } from './cli-commands.js';
import { textOutput, type TextSink } from '../presentation/text-output.js';
import { errorMessage } from '../error-message.js';
import { parseCommandLine, type CommandLine } from './parse-command-line.js';
import { PODS_VERSION } from './pods-version.js';
import { renderCommandHelp, renderGlobalHelp } from './render-help.js';

export type OpenedStore = {
  readonly app: PodsApp;
  readonly close: () => Promise<void>;
};

/** Throws an Error whose message is the one line to show; `command` names the process's connections on the server. */
export type StoreOpener = (db: string | undefined, command: string) => Promise<OpenedStore>;

/** Everything the CLI takes from its process, injected so tests can drive it in-process. */
export type CliEnvironment = {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly cwd: string;
  /** A `PODS_*` setting that cannot be read: every command that would run is refused with it; help, the version and usage errors answer as ever. */
  readonly settingsProblem?: string;
  readonly openStore: StoreOpener;
  readonly storeControl: (db: string | undefined) => StoreControl;
  readonly profiles: () => ProfileCatalog;
  readonly io: ProcessIo;
};

/** `pods …`: parses, opens the store only for a valid command, runs it, and always closes the store. */
export async function runCli(argv: readonly string[], environment: CliEnvironment): Promise<ExitCode> {
  const { stdout, stderr } = environment;
  const line = parseCommandLine(argv, CLI_COMMANDS, environment.cwd);
  switch (line.type) {
    case 'help':
      stdout.write(`${line.command ? renderCommandHelp(line.command) : renderGlobalHelp(CLI_COMMANDS)}\n`);
      return EXIT.ok;
    case 'version':
      stdout.write(`pods ${PODS_VERSION}\n`);
      return EXIT.ok;
    case 'unavailable':
      stderr.write(`pods: ${line.feature} is not available yet; see \`pods --help\` for the commands that are\n`);
      return EXIT.usage;
    case 'usage': {
      const name = line.command ? `pods ${line.command.name}` : 'pods';
      const help = line.command ? `pods help ${line.command.name}` : 'pods --help';
      stderr.write(`${name}: ${line.message}; see \`${help}\`\n`);
      return EXIT.usage;
    }
    case 'run':
      if (environment.settingsProblem !== undefined) {
        stderr.write(`pods: ${environment.settingsProblem}\n`);
        return EXIT.usage;
      }
      if (typeof line.run === 'function') return runWithStore(line, line.run, environment);
      return 'control' in line.run ? runControl(line, line.run.control, environment) : runProfiles(line, line.run.profiles, environment);
  }
}

async function runControl(
  line: Extract<CommandLine, { type: 'run' }>,
  run: (context: { control: StoreControl; out: ReturnType<typeof textOutput> }) => Promise<ExitCode>,
  environment: CliEnvironment,
): Promise<ExitCode> {
  const out = textOutput(environment.stdout, environment.stderr, `pods ${line.command.name}`);
  try {
    return await run({ control: environment.storeControl(line.db), out });
  } catch (error) {
    out.fail(errorMessage(error));
    return EXIT.usage;
  }
}

async function runProfiles(line: Extract<CommandLine, { type: 'run' }>, run: ProfileRun['profiles'], environment: CliEnvironment): Promise<ExitCode> {
  const out = textOutput(environment.stdout, environment.stderr, `pods ${line.command.name}`);
  try {
    return await run(environment.profiles(), out);
  } catch (error) {
    out.fail(errorMessage(error));
    return EXIT.usage;
  }
}

async function runWithStore(line: Extract<CommandLine, { type: 'run' }>, run: CommandRun, environment: CliEnvironment): Promise<ExitCode> {
  const out = textOutput(environment.stdout, environment.stderr, `pods ${line.command.name}`);
  let opened: OpenedStore;
  try {
    opened = await environment.openStore(line.db, line.command.name);
  } catch (error) {
    out.fail(errorMessage(error));
    return EXIT.usage;
  }
  let code: ExitCode;
  try {
    code = await run({ app: opened.app, out, io: environment.io });
  } catch (error) {
    // Use cases return refusals; a throw is the store failing under us (or a bug).
    out.fail(`could not complete: ${errorMessage(error)}`);
    code = EXIT.usage;
  }
  try {
    await opened.close();
  } catch (error) {
    out.fail(`could not close the store: ${errorMessage(error)}`);
    if (code === EXIT.ok) code = EXIT.usage;
  }
  return code;
}
