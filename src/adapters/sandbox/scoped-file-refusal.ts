import type { AbsolutePath } from '../../domain/absolute-path.js';
import { describeGround, type AccessGround } from '../../domain/confinement.js';
import { displayValue } from '../../domain/display.js';

/** Why pods' own file methods (ACP `fs/read_text_file`, `fs/write_text_file`) served nothing. */
export type ScopedFileRefusal =
  | { readonly type: 'InvalidPath'; readonly path: string; readonly reason: string }
  | { readonly type: 'InvalidRange'; readonly field: 'line' | 'limit'; readonly value: unknown }
  | { readonly type: 'OutsideScope'; readonly path: string; readonly resolved: AbsolutePath; readonly needs: 'read' | 'write'; readonly ground: AccessGround }
  | { readonly type: 'NotFound'; readonly path: string }
  | { readonly type: 'NotAFile'; readonly path: string; readonly what: string }
  | { readonly type: 'TooLarge'; readonly path: string; readonly bytes: number; readonly limit: number; readonly operation: 'read' | 'write' }
  | { readonly type: 'NotText'; readonly path: string }
  | { readonly type: 'Moved'; readonly path: string }
  | { readonly type: 'Failed'; readonly path: string; readonly operation: 'read' | 'write'; readonly code: string };

const MIB = 1024 * 1024;
const size = (bytes: number) => (bytes >= MIB ? `${(bytes / MIB).toFixed(1)} MiB` : `${bytes} bytes`);

export function describeScopedFileRefusal(refusal: ScopedFileRefusal): string {
  const path = 'path' in refusal ? displayValue(refusal.path) : '';
  switch (refusal.type) {
    case 'InvalidPath':
      return `invalid path ${path}: ${refusal.reason}`;
    case 'InvalidRange':
      return `invalid ${refusal.field} ${displayValue(String(refusal.value))}: ${refusal.field === 'line' ? 'a whole number from 1' : 'a whole number from 0'}`;
    case 'OutsideScope': {
      const via = refusal.resolved === refusal.path ? '' : ` (it resolves to ${displayValue(refusal.resolved)})`;
      return `cannot ${refusal.needs} ${path}${via}: outside this Pod's scope (${describeGround(refusal.ground)})`;
    }
    case 'NotFound':
      return `${path} does not exist`;
    case 'NotAFile':
      return `${path} is ${refusal.what}, not a regular file`;
    case 'TooLarge':
      return refusal.operation === 'read'
        ? `${path} is ${size(refusal.bytes)}; files over ${size(refusal.limit)} are not read`
        : `the content for ${path} is ${size(refusal.bytes)}; at most ${size(refusal.limit)} is written`;
    case 'NotText':
      return `${path} is not UTF-8 text`;
    case 'Moved':
      return `${path} changed while pods checked it (a link or directory was swapped in); nothing was read or written`;
    case 'Failed':
      return `cannot ${refusal.operation} ${path}: ${refusal.code || 'failed'}`;
  }
}
