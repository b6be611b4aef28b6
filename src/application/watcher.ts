import type { PodEvent, PodEvents } from './ports/pod-events.js';

/** Kicks during a look make exactly one more with every key kicked: nothing is lost, and a burst costs one look. */
export class Looks<K = never> {
  private keys = new Set<K>();
  private all = false;
  private pass: Promise<void> | undefined;
  private ended = false;

  constructor(
    private readonly look: (keys: ReadonlySet<K>, all: boolean) => Promise<void>,
    private readonly failed: (error: unknown) => void = () => undefined,
  ) {}

  get busy(): boolean {
    return this.pass !== undefined;
  }

  get stopped(): boolean {
    return this.ended;
  }

  kick(key?: K): void {
    if (this.ended) return;
    if (key === undefined) this.all = true;
    else this.keys.add(key);
    this.pass ??= this.drain();
  }

  async settled(): Promise<void> {
    while (this.pass) await this.pass;
  }

  async stop(): Promise<void> {
    this.ended = true;
    await this.pass;
  }

  /** No await between the exit check and clearing `pass`: a kick lands before the check or after the clear. */
  private async drain(): Promise<void> {
    await Promise.resolve(); // let kick() store this promise before anything can clear it
    try {
      while ((this.all || this.keys.size > 0) && !this.ended) {
        const keys = this.keys;
        const all = this.all;
        this.keys = new Set();
        this.all = false;
        try {
          await this.look(keys, all);
        } catch (error) {
          this.failed(error);
        }
      }
    } finally {
      this.pass = undefined;
    }
  }
}

export type WatchOptions<K> = {
  readonly pick: (event: PodEvent) => K | true | undefined;
  readonly look: (keys: ReadonlySet<K>, all: boolean) => Promise<void>;
  /** How often it looks at everything anyway, in case an event was lost (another process died right after its commit); none: never. */
  readonly everyMs?: number;
  readonly lookFirst?: boolean;
  readonly failed?: (error: unknown) => void;
};

export type Watch<K> = {
  readonly looks: Looks<K>;
  readonly stop: () => Promise<void>;
};

/** Subscribe first, then look, so nothing committed after a look began is missed (test/application/watcher.test.ts). */
export function watch<K = never>(events: PodEvents, options: WatchOptions<K>): Watch<K> {
  const looks = new Looks<K>(options.look, options.failed);
  const off = events.subscribe((event) => {
    const key = options.pick(event);
    if (key === true) looks.kick();
    else if (key !== undefined) looks.kick(key);
  });
  const timer = options.everyMs === undefined ? undefined : setInterval(() => looks.kick(), Math.max(10, options.everyMs));
  if (options.lookFirst !== false) looks.kick();
  return {
    looks,
    stop: async () => {
      off();
      clearInterval(timer);
      await looks.stop();
    },
  };
}
