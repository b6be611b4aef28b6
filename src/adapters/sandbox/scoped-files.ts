import { constants } from 'node:fs';
import { lstat, mkdir, open, realpath } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { AbsolutePath } from '../../domain/absolute-path.js';
import { accessAt, allows, type Confinement } from '../../domain/confinement.js';
import { err, ok, type Result } from '../../domain/result.js';
import { replaceInDirectory } from './atomic-replace.js';
import { codeOf, directoryReference, isOpenedAt, kindOf } from './host-path.js';
import type { ScopedFileRefusal } from './scoped-file-refusal.js';

export type ReadTextFileRequest = { readonly path: string; readonly line?: number | null | undefined; readonly limit?: number | null | undefined };
export type WriteTextFileRequest = { readonly path: string; readonly content: string };
export type ScopedFileLimits = { readonly maxReadBytes: number; readonly maxWriteBytes: number };
export const DEFAULT_FILE_LIMITS: ScopedFileLimits = { maxReadBytes: 4 * 1024 * 1024, maxWriteBytes: 16 * 1024 * 1024 };

const NOT_FOUND = new Set(['ENOENT', 'ENOTDIR', 'ELOOP']);
const DIRECTORY = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Served outside any sandbox: the path is resolved through every link before the check, and the file opened must be it. */
export class ScopedFiles {
  constructor(
    private readonly confinement: () => Confinement,
    private readonly limits: ScopedFileLimits = DEFAULT_FILE_LIMITS,
  ) {}

  async readTextFile(request: ReadTextFileRequest): Promise<Result<{ content: string }, ScopedFileRefusal>> {
    const { path, line, limit } = request;
    if (line != null && !(Number.isInteger(line) && line >= 1)) return err({ type: 'InvalidRange', field: 'line', value: line });
    if (limit != null && !(Number.isInteger(limit) && limit >= 0)) return err({ type: 'InvalidRange', field: 'limit', value: limit });
    const requested = absolute(path);
    if (!requested.ok) return requested;
    const real = await realpath(requested.value).catch((e: unknown) => e);
    if (typeof real !== 'string') return err(NOT_FOUND.has(codeOf(real)) ? { type: 'NotFound', path } : failed(path, 'read', real));
    const refusal = this.outside(path, AbsolutePath.unsafe(real), 'read');
    if (refusal) return err(refusal);
    try {
      const seen = await lstat(real); // refuse a FIFO or device before opening it at all
      if (!seen.isFile()) return err({ type: 'NotAFile', path, what: kindOf(seen) });
      const file = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      try {
        const stats = await file.stat();
        if (!stats.isFile()) return err({ type: 'NotAFile', path, what: kindOf(stats) });
        if (!(await isOpenedAt(file, real))) return err({ type: 'Moved', path });
        const max = this.limits.maxReadBytes;
        if (stats.size > max) return err({ type: 'TooLarge', path, bytes: stats.size, limit: max, operation: 'read' });
        const buffer = Buffer.alloc(max + 1);
        const { bytesRead } = await file.read(buffer, 0, max + 1, 0);
        if (bytesRead > max) return err({ type: 'TooLarge', path, bytes: bytesRead, limit: max, operation: 'read' });
        let text: string;
        try {
          text = utf8.decode(buffer.subarray(0, bytesRead));
        } catch {
          return err({ type: 'NotText', path });
        }
        return ok({ content: linesOf(text, line ?? 1, limit ?? undefined) });
      } finally {
        await file.close();
      }
    } catch (error) {
      return err(codeOf(error) === 'ELOOP' ? { type: 'Moved', path } : failed(path, 'read', error));
    }
  }

  async writeTextFile(request: WriteTextFileRequest): Promise<Result<{ path: AbsolutePath }, ScopedFileRefusal>> {
    const { path, content } = request;
    const requested = absolute(path);
    if (!requested.ok) return requested;
    const bytes = Buffer.byteLength(content, 'utf8');
    if (bytes > this.limits.maxWriteBytes) return err({ type: 'TooLarge', path, bytes, limit: this.limits.maxWriteBytes, operation: 'write' });
    try {
      const resolved = await resolveForWrite(path, requested.value);
      if (!resolved.ok) return resolved;
      const { base, names } = resolved.value;
      const places = names.map((_, i) => AbsolutePath.unsafe([base === '/' ? '' : base, ...names.slice(0, i + 1)].join('/')));
      for (const place of places) {
        const refusal = this.outside(path, place, 'write');
        if (refusal) return err(refusal);
      }
      // Down from the resolved directory by descriptor: each new directory is made and opened
      // through the one above it, so a link swapped in after the check is never followed.
      let dir = await open(base, DIRECTORY);
      try {
        if (!(await isOpenedAt(dir, base))) return err({ type: 'Moved', path });
        let at: string = base;
        for (const name of names.slice(0, -1)) {
          const child = `${directoryReference(dir, at)}/${name}`;
          await mkdir(child).catch((e: unknown) => (codeOf(e) === 'EEXIST' ? undefined : Promise.reject(e)));
          const next = await open(child, DIRECTORY);
          await dir.close();
          dir = next;
          at = `${at === '/' ? '' : at}/${name}`;
        }
        const replaced = await replaceInDirectory(dir, at, names.at(-1)!, content);
        return replaced.type === 'replaced' ? ok({ path: places.at(-1)! }) : err({ type: 'NotAFile', path, what: replaced.what });
      } finally {
        await dir.close();
      }
    } catch (error) {
      return err(codeOf(error) === 'ELOOP' || codeOf(error) === 'ENOTDIR' ? { type: 'Moved', path } : failed(path, 'write', error));
    }
  }

  private outside(path: string, resolved: AbsolutePath, needs: 'read' | 'write'): ScopedFileRefusal | undefined {
    const { access, ground } = accessAt(this.confinement(), resolved);
    return allows(access, needs) ? undefined : { type: 'OutsideScope', path, resolved, needs, ground };
  }
}

function absolute(path: string): Result<AbsolutePath, ScopedFileRefusal> {
  if (!path.startsWith('/')) return err({ type: 'InvalidPath', path, reason: 'must be absolute' });
  const parsed = AbsolutePath.resolve(path, AbsolutePath.unsafe('/'));
  return parsed.ok ? parsed : err({ type: 'InvalidPath', path, reason: parsed.error.reason });
}

/** An existing path is resolved through every link; a new one below its nearest existing ancestor, resolved. */
async function resolveForWrite(path: string, requested: AbsolutePath): Promise<Result<{ base: string; names: string[] }, ScopedFileRefusal>> {
  const missing: string[] = [];
  let existing: string = requested;
  while (!(await lstat(existing).then(() => true, (e: unknown) => (codeOf(e) === 'ENOENT' ? false : Promise.reject(e))))) {
    missing.unshift(basename(existing));
    existing = dirname(existing);
  }
  const real = await realpath(existing).catch((e: unknown) => (NOT_FOUND.has(codeOf(e)) ? undefined : Promise.reject(e)));
  if (!real) return err({ type: 'NotAFile', path, what: 'a symbolic link that leads nowhere' });
  if (missing.length === 0) return real === '/' ? err({ type: 'NotAFile', path, what: 'a directory' }) : ok({ base: dirname(real), names: [basename(real)] });
  if (!(await lstat(real)).isDirectory()) return err({ type: 'NotFound', path });
  return ok({ base: real, names: missing });
}

function linesOf(text: string, line: number, limit: number | undefined): string {
  if (line === 1 && limit === undefined) return text;
  const lines = text.split(/(?<=\n)/);
  return lines.slice(line - 1, limit === undefined ? undefined : line - 1 + limit).join('');
}

const failed = (path: string, operation: 'read' | 'write', error: unknown): ScopedFileRefusal => ({
  type: 'Failed', path, operation, code: codeOf(error) || (error instanceof Error ? error.message : String(error)),
});
