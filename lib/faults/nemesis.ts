import type { HistoryWriter } from "../history/writer.ts";
import { mulberry32 } from "../proc/random.ts";
import type { ActiveFault, Fault, World } from "./fault.ts";
import type { PlannedFault } from "./schedule.ts";
import { MAX_PLANNED } from "./schedule.ts";

/** How long a fault that found nothing to hit keeps trying before it is skipped, ms. */
const START_RETRY_MS = 3000;

/**
 * Carries out a fault plan against the world: starts each fault at its time,
 * heals it after its hold, records both in the history. `healAll` undoes
 * whatever still holds, so the quiesce phase starts from a whole cluster.
 */
export class Nemesis {
  #world: World;
  #faults: Map<string, Fault>;
  #history: HistoryWriter;
  #active = new Map<number, { planned: PlannedFault; fault: ActiveFault }>();
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #pending = new Set<Promise<void>>();
  #stopped = false;
  /** Faults that found nothing to hit, for the report. */
  readonly skipped: PlannedFault[] = [];
  /** What each fault that ran hit, by plan id (results.json's plan names it, so the plan replays). */
  readonly hits: Map<number, string[]> = new Map();
  #onChange: (active: string[]) => void;

  constructor(
    world: World,
    faults: readonly Fault[],
    history: HistoryWriter,
    onChange = (_: string[]) => {},
  ) {
    this.#world = world;
    this.#faults = new Map(faults.map((f) => [f.name, f]));
    this.#history = history;
    this.#onChange = onChange;
  }

  /**
   * Schedules the plan relative to now. A plan longer than
   * {@link MAX_PLANNED} faults is refused: no input makes the nemesis spin.
   */
  run(plan: readonly PlannedFault[]): void {
    if (plan.length > MAX_PLANNED) {
      throw new RangeError(`a plan of ${plan.length} faults: at most ${MAX_PLANNED}`);
    }
    for (const p of plan) {
      this.#later(p.at, () => this.#start(p));
    }
  }

  /** Names of the faults holding now. */
  active(): string[] {
    return [...this.#active.values()].map((a) =>
      `${a.planned.fault}(${a.fault.targets.join(",")})`
    );
  }

  #later(ms: number, fn: () => Promise<void>): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (this.#stopped) return;
      const p = fn().catch((e) => console.error(`fault error: ${e}`));
      this.#pending.add(p);
      p.finally(() => this.#pending.delete(p));
    }, ms);
    this.#timers.add(t);
  }

  async #start(p: PlannedFault): Promise<void> {
    const fault = this.#faults.get(p.fault)!;
    const aim = {
      primary: p.solo === true,
      role: p.role,
      ...(p.targets?.length === 1 ? { target: p.targets[0] } : {}),
    };
    // A fault that finds nothing to hit (the members still held by a heal that is finishing, every
    // node busy) tries again for a while, with the same draws, before it is skipped.
    const until = Date.now() + START_RETRY_MS;
    let active = await fault.start(this.#world, mulberry32(p.seed), aim);
    while (!active && !this.#stopped && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      active = await fault.start(this.#world, mulberry32(p.seed), aim);
    }
    if (!active) {
      this.skipped.push(p);
      return;
    }
    this.hits.set(p.id, active.targets);
    // Member faults claim world.busyMembers themselves (see member_targets.ts).
    if (fault.side === "node") { for (const t of active.targets) this.#world.busyNodes.add(t); }
    this.#active.set(p.id, { planned: p, fault: active });
    this.#history.append({
      kind: "fault",
      type: "start",
      id: p.id,
      fault: p.fault,
      targets: active.targets,
      detail: active.detail,
      time: active.at,
    });
    this.#onChange(this.active());
    this.#later(p.holdMs, () => this.#heal(p.id));
  }

  async #heal(id: number): Promise<void> {
    const a = this.#active.get(id);
    if (!a) return;
    this.#active.delete(id);
    let detail: Record<string, unknown> | undefined;
    try {
      detail = (await a.fault.heal()) ?? undefined;
    } finally {
      if (this.#faults.get(a.planned.fault)?.side === "node") {
        for (const t of a.fault.targets) this.#world.busyNodes.delete(t);
      }
      this.#history.append({
        kind: "fault",
        type: "stop",
        id,
        fault: a.planned.fault,
        targets: a.fault.targets,
        ...(detail ? { detail } : {}),
        time: this.#history.now(),
      });
      this.#onChange(this.active());
    }
  }

  /** Cancels what has not started and heals everything that holds. */
  async healAll(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    await Promise.allSettled([...this.#pending]);
    // One heal that fails must not leave the others holding.
    for (const id of [...this.#active.keys()]) {
      await this.#heal(id).catch((e) => console.error(`fault heal error: ${e}`));
    }
  }
}
