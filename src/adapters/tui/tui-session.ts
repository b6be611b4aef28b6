import { describeAttachRefusal } from '../../application/host/host-runtime.js';
import { describePodNotFound } from '../../application/errors.js';
import type { PodsApp } from '../../application/pods-app.js';
import type { StoreListing } from '../../application/use-cases/list-all-pods.js';
import { PodName } from '../../domain/pod-name.js';
import type { ColonCommand, Completion } from './colon-command.js';
import type { HistoryFollower } from './history-follower.js';
import type { PodWhere } from './live-rows.js';
import { podCandidates, type PodSource } from './pod-candidates.js';
import { renderTuiEntry } from './render-tui-entry.js';
import { promptFor } from './turn-progress.js';
import type { TuiScreen } from './tui-screen.js';

/** Entries of a Pod shown on a terminal when the TUI attaches to it; `:older` reads back from there. */
const TAIL_ON_ATTACH = 10;

export type SessionParts = {
  readonly app: PodsApp;
  readonly screen: TuiScreen;
  readonly follower: HistoryFollower;
  readonly commands: readonly ColonCommand[];
  readonly interactive: boolean;
  readonly cwd: string;
  readonly pick: (message: string, choices: readonly string[]) => Promise<string | undefined>;
  readonly quit: () => void;
  readonly edit: () => Promise<void>;
  readonly dash: () => Promise<void>;
};

export class TuiSession {
  private current: PodName | undefined;
  private failures = 0;
  private stopWatch: (() => void) | undefined;
  /** The host that runs the viewed Pod, as last heard; undefined: none, or not known yet. */
  private holder: string | undefined;
  /** The oldest seq of the attached Pod printed by attaching, `:history` or `:older` (its head + 1: none yet): `:older` reads before it. */
  private oldestShown = 1;

  constructor(private readonly parts: SessionParts) {}

  get attached(): PodName {
    if (this.current === undefined) throw new Error('the TUI is not attached to a Pod yet');
    return this.current;
  }
  get isAttached(): boolean {
    return this.current !== undefined;
  }
  get cwd(): string {
    return this.parts.cwd;
  }
  get commands(): readonly ColonCommand[] {
    return this.parts.commands;
  }
  /** Whether any line was refused: a piped run exits 1 then. */
  get failed(): boolean {
    return this.failures > 0;
  }

  get app(): PodsApp {
    return this.parts.app;
  }

  say(text: string, outcome: 'ok' | 'failed' = 'ok'): void {
    if (outcome === 'failed') this.failures += 1;
    this.parts.screen.line(text);
  }

  refuse(text: string): void {
    this.failures += 1;
    this.parts.screen.warn(text);
  }

  quit(): void {
    this.parts.quit();
  }

  edit(): Promise<void> {
    return this.parts.edit();
  }

  dash(): Promise<void> {
    return this.parts.dash();
  }

  get hosting(): boolean {
    return this.current !== undefined && this.app.runtime.isRunning(this.current);
  }

  unconfined = false;

  get where(): PodWhere {
    if (this.current === undefined || this.hosting) return 'here';
    return this.stopWatch ? { hostId: this.holder } : 'stopped';
  }

  close(): void {
    this.stopWatch?.();
    this.stopWatch = undefined;
  }

  async candidates(completion: Completion): Promise<readonly string[]> {
    switch (completion) {
      case 'command':
        return this.parts.commands.map((c) => c.name);
      case 'tool':
        return this.app.tools.names();
      default:
        return podCandidates({ listAll: this.app.listAllPods, listPods: this.app.listPods }, this.attached, completion);
    }
  }

  async choosePod(message: string, completion: PodSource, noneLeft: string): Promise<PodName | undefined> {
    const choices = await this.candidates(completion);
    if (choices.length === 0) {
      this.refuse(noneLeft);
      return undefined;
    }
    this.parts.screen.hold();
    try {
      const picked = await this.parts.pick(message, choices);
      if (picked === undefined) this.say('nothing picked; nothing changed');
      // The choices are names read from the store.
      return picked === undefined ? undefined : PodName.unsafe(picked);
    } finally {
      this.parts.screen.release();
    }
  }

  /** Runs `pod` here, or views it while another host runs it; a stopped child is refused (only its parent restores it). */
  async attach(pod: PodName): Promise<void> {
    if (pod === this.current) {
      if (this.hosting) this.say(`already attached to \`${pod}\``);
      else await this.takeOver(pod);
      return;
    }
    const listing = (await this.app.listAllPods.execute()).find((p) => p.name === pod);
    if (!listing) {
      this.refuse(`${describePodNotFound(pod)}; \`:new ${pod}\` creates it`);
      return;
    }
    const { role, heldBy } = await this.host(listing);
    // Bounded whatever the history's length: its head, a screenful, and what lies past its watermark.
    const read = await this.app.readRecentHistory.execute({ pod, last: this.parts.interactive ? TAIL_ON_ATTACH : 0 });
    const start = read.ok ? read.value : { head: 0, recent: [], mark: 0, sinceMark: [], whole: true };
    const tail = start.recent;
    const total = start.head;
    this.current = pod;
    this.oldestShown = tail[0]?.seq ?? total + 1;
    this.unconfined = listing.unconfined === true;
    this.close();
    this.holder = heldBy;
    if (heldBy !== undefined) this.watch(pod, heldBy);
    this.parts.screen.setPrompt(promptFor(pod));
    const { follower, screen } = this.parts;
    const count = `${total} history entr${total === 1 ? 'y' : 'ies'}${tail.length < total && tail.length > 0 ? `, the last ${tail.length} below` : ''}`;
    void follower.then(() => {
      screen.line(`· ${role} (${count})`);
      if (listing.unconfined) screen.line(`· \`${pod}\` runs with profile \`${listing.profile}\` unconfined: its agent can read and write whatever you can, the store included`);
      for (const entry of tail) screen.line(renderTuiEntry(entry, screen.palette));
    });
    await follower.follow(pod, start);
    void follower.sync();
  }

  async showRecent(n: number): Promise<void> {
    const { follower } = this.parts;
    void follower.sync();
    await follower.then(() => this.showBefore(follower.newest + 1, n));
  }

  async showOlder(n: number): Promise<void> {
    await this.parts.follower.then(() => {
      if (this.oldestShown <= 1 && this.parts.follower.newest > 0) return this.say(`· nothing older: #1 is the first entry of \`${this.attached}\``);
      return this.showBefore(this.oldestShown, n);
    });
  }

  private async showBefore(before: number, n: number): Promise<void> {
    const pod = this.attached;
    if (before <= 1) return this.say(`\`${pod}\` has no history entries yet`);
    const read = await this.app.readHistory.execute({ pod, before, limit: n });
    if (!read.ok) return this.refuse(`pod \`${pod}\` no longer exists`);
    for (const entry of read.value) this.say(renderTuiEntry(entry, this.parts.screen.palette));
    this.oldestShown = read.value[0]?.seq ?? this.oldestShown;
  }

  async takeOver(pod: PodName): Promise<void> {
    const listing = (await this.app.listAllPods.execute()).find((p) => p.name === pod);
    if (!listing) return this.refuse(`pod \`${pod}\` no longer exists`);
    const { role, heldBy } = await this.host(listing);
    this.holder = heldBy;
    if (heldBy === undefined && this.hosting) {
      this.close();
      this.say(`· \`${pod}\` runs in this TUI now`);
      return;
    }
    this.say(`· still ${role}`);
  }

  leaseLost(pod: PodName): void {
    if (pod !== this.current || this.stopWatch) return;
    this.holder = undefined;
    this.watch(pod, undefined);
  }

  private watch(pod: PodName, heldBy: string | undefined): void {
    const { follower, screen } = this.parts;
    this.stopWatch = this.app.leaseWatch.watch(pod, heldBy, (event) => {
      if (pod !== this.current) return;
      if (event.type !== 'taken_elsewhere') this.stopWatch = undefined;
      this.holder = event.type === 'taken_elsewhere' ? event.hostId : undefined;
      const line = event.type === 'taken_over'
        ? `· \`${pod}\`'s host left; it runs in this TUI now`
        : event.type === 'taken_elsewhere' ? `· \`${pod}\`'s host left; host ${event.hostId} runs it now` : `· \`${pod}\`'s host left; ${event.reason}`;
      void follower.then(() => screen.line(line));
    });
  }

  private async host(listing: StoreListing): Promise<{ readonly role: string; readonly heldBy?: string }> {
    const pod = listing.name;
    const taken = await this.app.runtime.attach(pod);
    if (taken.ok) return { role: `attached to \`${pod}\`; it runs in this TUI` };
    if (taken.error.type === 'StoppedByParent') {
      const { parent } = taken.error;
      return { role: `viewing \`${pod}\`: it is a stopped child of \`${parent}\`, and only its parent can run it again (\`:attach ${parent}\`, then \`:restore ${pod}\`)` };
    }
    if (taken.error.type === 'ProfileUnknown') return { role: `viewing \`${pod}\`: ${describeAttachRefusal(taken.error)}` };
    const { hostId } = taken.error.heldBy;
    return {
      role: `viewing \`${pod}\`: it runs on host ${hostId}; what you type is committed to its history and that host answers; this TUI takes it over if that host leaves`,
      heldBy: hostId,
    };
  }
}
