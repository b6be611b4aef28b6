/** Fires once when `reset` has not been called for `ms`. */
export class Watchdog {
  fired = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ms: number, private readonly onFire: () => void) {
    this.reset();
  }

  reset(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.onFire();
    }, this.ms);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
