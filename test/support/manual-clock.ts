import type { Clock } from '../../src/application/ports/clock.js';

export class ManualClock implements Clock {
  constructor(private current = new Date('2026-11-01T12:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
