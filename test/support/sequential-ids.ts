import type { IdGenerator } from '../../src/application/ports/id-generator.js';

export class SequentialIds implements IdGenerator {
  private n = 0;
  next(prefix: string): string {
    this.n += 1;
    return `${prefix}_${String(this.n).padStart(6, '0')}`;
  }
}
