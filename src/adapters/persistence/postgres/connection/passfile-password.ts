import { readFileSync, statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';

/** A passfile keeps the password off the command line (`ps` shows it); libpq's rules. For connecting only. */
export function urlWithPassfilePassword(url: string, env: NodeJS.ProcessEnv = process.env): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.password !== '' || env['PGPASSWORD']) return url;
  const user = decodeURIComponent(parsed.username) || env['PGUSER'] || safeUserName();
  const host = parsed.searchParams.get('host') ?? (decodeURIComponent(parsed.hostname) || env['PGHOST'] || 'localhost');
  const wanted = [
    host.startsWith('/') ? 'localhost' : host,
    parsed.port || env['PGPORT'] || '5432',
    decodeURIComponent(parsed.pathname.slice(1)) || user,
    user,
  ];
  const password = lookUp(env['PGPASSFILE'] || join(homedir(), '.pgpass'), wanted);
  if (password === undefined) return url;
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

function lookUp(file: string, wanted: readonly string[]): string | undefined {
  try {
    const found = statSync(file);
    if (!found.isFile() || (found.mode & 0o077) !== 0) return undefined;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.startsWith('#')) continue;
      const fields = splitFields(line.replace(/\r$/, ''));
      if (fields.length < 5) continue;
      if (wanted.every((value, i) => fields[i] === '*' || fields[i] === value)) return fields.slice(4).join(':');
    }
  } catch {
    // No passfile, or one this process cannot read: no password, as with libpq.
  }
  return undefined;
}

/** Splits at unescaped `:`; `\:` and `\\` stand for `:` and `\`. */
function splitFields(line: string): string[] {
  const fields = [''];
  for (let i = 0; i < line.length; i += 1) {
    const char = line.charAt(i);
    if (char === '\\' && i + 1 < line.length) fields[fields.length - 1] += line.charAt(++i);
    else if (char === ':' && fields.length < 5) fields.push('');
    else fields[fields.length - 1] += char;
  }
  return fields;
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}
