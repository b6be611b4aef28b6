import { randomBytes } from 'node:crypto';
import { injectable } from 'inversify';
import type { IdGenerator } from '../../application/ports/id-generator.js';

/** `<prefix>_<ms since epoch, base36, fixed width><random>`: sortable by time, unique across hosts. */
@injectable()
export class RandomIdGenerator implements IdGenerator {
  next(prefix: string): string {
    return `${prefix}_${Date.now().toString(36).padStart(9, '0')}${randomBytes(6).toString('hex')}`;
  }
}
