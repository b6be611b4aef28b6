import type { Brand } from './brand.js';
import { displayValue } from './display.js';
import { err, ok, type Result } from './result.js';

/** A normalized absolute POSIX path: leading `/`, no empty, `.` or `..` segments, no trailing `/`. */
export type AbsolutePath = Brand<string, 'AbsolutePath'>;

export type InvalidPath = { readonly type: 'InvalidPath'; readonly path: string; readonly reason: string };

export const AbsolutePath = {
  parse(raw: string): Result<AbsolutePath, InvalidPath> {
    const fail = (reason: string) => err<InvalidPath>({ type: 'InvalidPath', path: raw, reason });
    if (!raw.startsWith('/')) return fail('must be absolute');
    if (raw.includes('\0')) return fail('must not contain NUL');
    if (raw.length > 4096) return fail('must be at most 4096 characters');
    const segments = raw.split('/').filter((s) => s !== '');
    if (segments.some((s) => s === '.' || s === '..')) return fail('must not contain . or .. segments');
    return ok(`/${segments.join('/')}` as AbsolutePath);
  },
  /** Lexical only: symbolic links are not consulted; a caller that opens the result must resolve them. */
  resolve(raw: string, base: AbsolutePath): Result<AbsolutePath, InvalidPath> {
    if (raw.includes('\0')) return err({ type: 'InvalidPath', path: raw, reason: 'must not contain NUL' });
    const segments: string[] = [];
    for (const segment of (raw.startsWith('/') ? raw : `${base}/${raw}`).split('/')) {
      if (segment === '..') segments.pop();
      else if (segment !== '' && segment !== '.') segments.push(segment);
    }
    return AbsolutePath.parse(`/${segments.join('/')}`);
  },
  unsafe(raw: string): AbsolutePath {
    return raw as AbsolutePath;
  },
  describe(error: InvalidPath): string {
    return `invalid path ${displayValue(error.path)}: ${error.reason}`;
  },
  isWithin(inner: AbsolutePath, outer: AbsolutePath): boolean {
    return outer === '/' || inner === outer || inner.startsWith(`${outer}/`);
  },
  isDirectChild(inner: AbsolutePath, outer: AbsolutePath): boolean {
    if (!AbsolutePath.isWithin(inner, outer) || inner === outer) return false;
    const rest = outer === '/' ? inner.slice(1) : inner.slice(outer.length + 1);
    return !rest.includes('/');
  },
};
