// Command line: argument parsing, help texts, dispatch and exit codes.
import { close, comment, create, list, review, show, status } from './commands.mjs';
import { CODES } from './checks.mjs';
import { doctor } from './doctor.mjs';
import { KINDS, PRIORITIES, ROLE_HEADINGS, SYSTEM_EVENTS } from './format.mjs';
import { TicketsError, usageError } from './store.mjs';

const AUTHOR = '  --author NAME      who writes the event (default: $TICKETS_AUTHOR, git config user.name, $USER, unknown)';
const BODY = (option) =>
  `  ${option} TEXT${' '.repeat(Math.max(1, 14 - option.length))}the text\n  --file PATH        read the text from PATH; --file - reads stdin (stdin is never read otherwise)`;
const ITEM = '  <item>             an id, a unique id prefix, or a slug';

const COMMANDS = {
  list: {
    run: list,
    args: [0, 0],
    options: { '--status': 'value', '--json': 'flag' },
    usage: 'list [--status open|pending|closed|all] [--json]',
    help: [
      'Lists work items as TSV (status, id, slug, title, kind, priority, updated_at) in bucket',
      'order, then id order. Tabs, newlines, carriage returns and backslashes in values are',
      'written as \\t, \\n, \\r and \\\\. updated_at is the time of the last thread event.',
      '  --status S         open (default), pending, closed or all',
      '  --json             a JSON array of items instead of TSV',
      'Exit 1 (after the rows it can read) when an item.md cannot be read.',
    ],
  },
  show: {
    run: show,
    args: [1, 1],
    options: { '--all': 'flag', '--json': 'flag' },
    usage: 'show <item> [--all] [--json]',
    help: [
      'Shows an item: its item.md, the last 80 lines of thread.md, resolution.md and artifacts.',
      ITEM,
      '  --all              the whole thread',
      '  --json             fields, body, parsed events, resolution, artifacts and doctor findings',
    ],
  },
  create: {
    run: create,
    args: [0, 0],
    options: {
      '--title': 'value',
      '--slug': 'value',
      '--kind': 'value',
      '--priority': 'value',
      '--label': 'multi',
      '--author': 'value',
      '--message': 'value',
      '--file': 'value',
    },
    usage: 'create --title TEXT [--slug SLUG] [--kind KIND] [--priority P] [--label L[,L...]]... [--author NAME] [--message TEXT | --file PATH]',
    help: [
      'Creates open/<id>/ with item.md, thread.md (a create event) and artifacts/.gitkeep,',
      'and prints the new id. Ids sort by creation time and end in a random part.',
      '  --title TEXT       one line, at most 200 characters, no "-->"',
      "  --slug SLUG        lowercase a-z, 0-9 and single '-'; refused if another item has it.",
      "                     Default: made from the title, with -2, -3... if it is taken",
      `  --kind KIND        ${KINDS.join(', ')} (default task)`,
      `  --priority P       ${PRIORITIES.join(', ')} (default P2)`,
      '  --label L[,L...]   repeatable; letters, digits, ".", "_" and "-"',
      AUTHOR,
      '  --message TEXT     the item body (default: Background / Acceptance criteria template)',
      '  --file PATH        read the body from PATH; --file - reads stdin',
    ],
  },
  comment: {
    run: comment,
    args: [1, 1],
    options: { '--role': 'value', '--author': 'value', '--message': 'value', '--file': 'value' },
    usage: 'comment <item> [--role ROLE] [--author NAME] (--message TEXT | --file PATH)',
    help: [
      'Appends an event to thread.md, in one write.',
      ITEM,
      `  --role ROLE        ${Object.keys(ROLE_HEADINGS).join(', ')} (default comment),`,
      '                     or another [a-z][a-z0-9_]* name of at most 32 characters, except',
      `                     the events tickets.sh writes itself: ${SYSTEM_EVENTS.join(', ')}`,
      AUTHOR,
      BODY('--message'),
    ],
  },
  review: {
    run: review,
    args: [1, 1],
    options: { '--approve': 'flag', '--request-changes': 'flag', '--author': 'value', '--message': 'value', '--file': 'value' },
    usage: 'review <item> (--approve | --request-changes) [--author NAME] (--message TEXT | --file PATH)',
    help: ['Appends a review event (status: approve or request_changes). A review never changes the state.', ITEM, AUTHOR, BODY('--message')],
  },
  status: {
    run: status,
    args: [2, 2],
    options: { '--reason': 'value', '--author': 'value' },
    usage: 'status <item> <open|pending> [--reason TEXT] [--author NAME]',
    help: [
      'Moves an item between open and pending, or reopens a closed one. Appends a state_changed',
      'event (from, to, reason). Reopening first appends a resolution_archived event holding the',
      'old resolution.md, and removes it. Setting the state it already has changes nothing.',
      'Closing goes through close, which requires a resolution.',
      ITEM,
      '  --reason TEXT      one line, recorded in the event (default: status)',
      AUTHOR,
    ],
  },
  close: {
    run: close,
    args: [1, 1],
    options: { '--resolution': 'value', '--file': 'value', '--author': 'value' },
    usage: 'close <item> (--resolution TEXT | --file PATH) [--author NAME]',
    help: [
      'Closes an item: writes resolution.md, appends state_changed and close events and moves it',
      'to closed/, all or nothing. Closing a closed item again with the same resolution changes',
      'nothing; with another resolution it is refused (reopen it first).',
      ITEM,
      BODY('--resolution'),
      AUTHOR,
    ],
  },
  doctor: {
    run: doctor,
    args: [0, 0],
    options: { '--json': 'flag', '--strict': 'flag', '--fix': 'flag' },
    usage: 'doctor [--json] [--strict] [--fix]',
    help: [
      'Checks every work item and the layout; prints each finding, then a summary. Read-only',
      'unless --fix. Exit 0 when there is no error, 1 when there are findings, 2 on usage errors,',
      '3 on an internal error.',
      '  --json             a JSON report instead of text',
      '  --strict           warnings count as findings (exit 1)',
      '  --fix              first repair what loses nothing: the codes marked (fix) below',
      'Codes:',
      ...Object.entries(CODES).map(([code, c]) => `  ${code} ${c.name.padEnd(22)}${c.severity.padEnd(8)}${c.fixable ? '(fix) ' : ''}${c.summary}`),
    ],
  },
};

const GENERAL = [
  'usage: tickets.sh <command> [arguments]',
  '',
  'The work items of this repository: <root>/{open,pending,closed}/<id>/ with item.md,',
  'an append-only thread.md, resolution.md (closed items) and artifacts/. <root> is',
  '$TICKETS_DIR if set, else work-items/ next to tickets.sh, wherever it is run from.',
  '',
  'Commands:',
  ...Object.values(COMMANDS).map((c) => `  ${c.usage}`),
  '  help [command]',
  '',
  '<item> is an id, a unique id prefix, or a slug. Options take a value as --opt VALUE or',
  "--opt=VALUE (use the second form for a value that starts with '-'). Every mutation takes",
  'the lock <root>/.lock (waits TICKETS_LOCK_TIMEOUT_MS, default 10000).',
  '',
  'Exit status: 0 ok, 1 error or doctor findings, 2 usage error, 3 internal error.',
  "Run 'tickets.sh <command> --help' for the details of a command.",
];

function commandHelp(name) {
  const c = COMMANDS[name];
  return [`usage: tickets.sh ${c.usage}`, '', ...c.help].join('\n');
}

function parseArgs(name, argv) {
  const spec = COMMANDS[name];
  const opts = {};
  const positionals = [];
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (onlyPositionals || arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    if (arg === '--help' || arg === '-h') return { help: true };
    const eq = arg.indexOf('=');
    const option = eq >= 0 ? arg.slice(0, eq) : arg;
    const kind = spec.options[option];
    if (kind === undefined) throw usageError(`unknown ${name} argument: ${option}`);
    if (kind === 'flag') {
      if (eq >= 0) throw usageError(`${option} takes no value`);
      opts[option] = true;
      continue;
    }
    let value;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-')) throw usageError(`${option} requires a value`);
      value = next;
      i += 1;
    }
    if (kind === 'multi') opts[option] = [...(opts[option] ?? []), value];
    else if (option in opts) throw usageError(`${option} given more than once`);
    else opts[option] = value;
  }
  const [min, max] = spec.args;
  if (positionals.length < min || positionals.length > max) {
    throw usageError(positionals.length > max ? `unexpected argument: ${positionals[max]}` : `${name} requires ${spec.usage.split(' ').slice(1, min + 1).join(' ')}`);
  }
  return { opts, positionals };
}

export function main(argv) {
  const [name = 'help', ...rest] = argv;
  try {
    if (name === 'help' || name === '--help' || name === '-h') {
      const topic = rest[0];
      if (topic !== undefined && !(topic in COMMANDS)) throw usageError(`unknown command: ${topic}`);
      process.stdout.write(`${topic ? commandHelp(topic) : GENERAL.join('\n')}\n`);
      return 0;
    }
    if (!Object.hasOwn(COMMANDS, name)) {
      process.stderr.write(`${GENERAL.join('\n')}\n\n`);
      throw usageError(`unknown command: ${name}`);
    }
    const parsed = parseArgs(name, rest);
    if (parsed.help) {
      process.stdout.write(`${commandHelp(name)}\n`);
      return 0;
    }
    return COMMANDS[name].run(parsed.opts, parsed.positionals);
  } catch (e) {
    if (!(e instanceof TicketsError)) {
      process.stderr.write(`internal error: ${e?.stack ?? e}\n`);
      return 3;
    }
    for (const line of e.details) process.stderr.write(`${line}\n`);
    process.stderr.write(`error: ${e.message}\n`);
    if (e.exitCode === 2 && Object.hasOwn(COMMANDS, name)) process.stderr.write(`usage: tickets.sh ${COMMANDS[name].usage}\n`);
    return e.exitCode;
  }
}
