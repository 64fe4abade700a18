/**
 * `--faults-file plan.json`: a hand-written fault schedule, used exactly as
 * written instead of one drawn by {@link planFaults}. The file is a JSON array:
 *
 * ```json
 * [
 *   { "at": "5s", "fault": "isolate-leader", "hold": "3s" },
 *   { "at": 12000, "fault": "kill-member", "holdMs": 2500 },
 *   { "at": "20s", "fault": "compact" }
 * ]
 * ```
 *
 * `at` is the offset from the start of the workload: a duration string
 * (`500ms`, `5s`, `1.5m`) or a number of ms. The hold is `hold` (a duration
 * string) or `holdMs` (ms); without either, the fault's shortest hold at the
 * run's TTL. Targets are still drawn from the run's seed. `fault` may name
 * a fault module (`"./my_fault.ts"`, a path relative to the plan file, or a
 * URL), loaded as `--faults ./my_fault.ts` would load it.
 *
 * Aim an entry with `"role": "discoverer"` (or `"fault": "flap-node@discoverer"`).
 * The `plan` array of a run's results.json is a plan file as written: its
 * entries' `seed` and `targets` (what each fault hit) make the replay draw and
 * hit the same; `id` and `solo` are read and kept.
 */
import { UsageError } from "../proc/errors.ts";
import { mulberry32 } from "../proc/random.ts";
import type { Fault } from "./fault.ts";
import type { PlannedFault } from "./schedule.ts";
import { isFaultModule } from "./plugin.ts";
import type { FaultCatalogue } from "./catalogue.ts";
import { MAX_PLANNED } from "./schedule.ts";
import { splitFaultEntry } from "./choices.ts";

/** What a plan is checked against. */
export interface PlanFileOptions {
  /** The faults a plan may name. */
  faults: readonly Fault[];
  /** Workload length, ms: every fault must start before it ends. */
  durationMs: number;
  /** Lease TTL, ms (for the default hold). */
  ttlMs: number;
  /** Seeds each fault's own random source (its targets). */
  seed: number;
  /** How the file is named in messages. */
  source?: string;
  /** Fault modules the plan names, by the spec written in it (see {@link loadPlanFile}). */
  modules?: ReadonlyMap<string, Fault>;
}

const KEYS = ["at", "fault", "hold", "holdMs", "role", "seed", "targets", "id", "solo"];
/** The longest hold a plan may ask for (the longest --duration). */
const MAX_HOLD_MS = 24 * 3_600_000;
const EXAMPLE = `[{"at": "5s", "fault": "kill-member", "hold": "3s"}]`;

/**
 * Parses and checks a plan's text. Throws a {@link UsageError} whose one-line
 * message names the entry and says what to fix.
 */
export function parsePlanFile(text: string, o: PlanFileOptions): PlannedFault[] {
  const where = `--faults-file ${o.source ?? "plan"}`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const why = (e as Error).message.split("\n")[0];
    throw new UsageError(`${where} is not JSON (${why}): write an array like ${EXAMPLE}`);
  }
  if (!Array.isArray(json)) {
    throw new UsageError(`${where} must hold a JSON array of faults, like ${EXAMPLE}`);
  }
  if (json.length > MAX_PLANNED) {
    throw new UsageError(
      `${where} holds ${json.length} faults: at most ${MAX_PLANNED}, split the run`,
    );
  }
  const random = mulberry32(o.seed);
  const plan = json.map((entry, i): PlannedFault => {
    const at = `${where} entry ${i + 1}`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw new UsageError(`${at} is not an object: write it like ${EXAMPLE.slice(1, -1)}`);
    }
    const e = entry as Record<string, unknown>;
    const extra = Object.keys(e).filter((k) => !KEYS.includes(k));
    if (extra.length > 0) {
      throw new UsageError(
        `${at} has unknown field ${JSON.stringify(extra[0])}: use only ${KEYS.join(", ")}`,
      );
    }
    const entryName = typeof e.fault === "string" ? splitFaultEntry(e.fault) : undefined;
    const fault = o.faults.find((f) => f.name === e.fault || f.name === entryName?.name) ??
      (typeof e.fault === "string" ? o.modules?.get(e.fault) : undefined);
    if (!fault) {
      const names = o.faults.map((f) => f.name).join(", ");
      const what = e.fault === undefined
        ? "names no fault"
        : `has unknown fault ${JSON.stringify(e.fault)}`;
      throw new UsageError(`${at} ${what}: set "fault" to one of ${names}`);
    }
    if (e.at === undefined) {
      throw new UsageError(`${at} has no "at": give its offset, like "5s" or 5000 (ms)`);
    }
    const offset = toMs(e.at);
    if (offset === undefined) {
      throw new UsageError(
        `${at}: offset ${
          JSON.stringify(e.at)
        } is not a duration ≥ 0: write it like "5s", "500ms" or 5000 (ms)`,
      );
    }
    if (offset >= o.durationMs) {
      throw new UsageError(
        `${at}: offset ${show(offset)} is not before the end of --duration ${
          show(o.durationMs)
        }: start it earlier or lengthen --duration`,
      );
    }
    if (e.hold !== undefined && e.holdMs !== undefined) {
      throw new UsageError(`${at} has both "hold" and "holdMs": keep one`);
    }
    let holdMs: number;
    if (e.hold !== undefined || e.holdMs !== undefined) {
      const key = e.hold !== undefined ? "hold" : "holdMs";
      const value = e[key];
      const ms = key === "hold" ? (typeof value === "string" ? toMs(value) : undefined) : (
        typeof value === "number" ? toMs(value) : undefined
      );
      if (ms === undefined) {
        const form = key === "hold" ? `"3s" or "500ms"` : "a number of ms ≥ 0, like 3000";
        throw new UsageError(
          `${at}: ${key} ${JSON.stringify(value)} is not valid: write it like ${form}`,
        );
      }
      if (ms > MAX_HOLD_MS) {
        throw new UsageError(
          `${at}: ${key} ${JSON.stringify(value)} is longer than ${
            show(MAX_HOLD_MS)
          }: faults heal before the run ends, hold it shorter`,
        );
      }
      holdMs = ms;
    } else {
      holdMs = Math.round(fault.holdMs(o.ttlMs)[0]);
    }
    const drawn = Math.floor(random() * 2 ** 31); // drawn for every entry: later seeds stay put
    const role = e.role ?? (fault.name !== e.fault ? entryName?.role : undefined);
    if (role !== undefined && (typeof role !== "string" || fault.side !== "node")) {
      throw new UsageError(
        `${at}: "role" ${
          JSON.stringify(role)
        } aims a node fault at the nodes of a role: give a role name, on a node fault`,
      );
    }
    if (e.seed !== undefined && !(Number.isSafeInteger(e.seed) && (e.seed as number) >= 0)) {
      throw new UsageError(`${at}: "seed" ${JSON.stringify(e.seed)} is not a whole number ≥ 0`);
    }
    const targets = e.targets;
    if (
      targets !== undefined &&
      !(Array.isArray(targets) && targets.every((t) => typeof t === "string"))
    ) {
      throw new UsageError(`${at}: "targets" must be a list of node or member names, like ["n3"]`);
    }
    return {
      id: i + 1,
      at: offset,
      fault: fault.name,
      holdMs,
      seed: (e.seed as number | undefined) ?? drawn,
      ...(e.solo === true ? { solo: true as const } : {}),
      ...(role !== undefined ? { role } : {}),
      ...(targets !== undefined ? { targets: targets as string[] } : {}),
    };
  });
  return plan;
}

/** Reads and parses a plan file; an unreadable file is a {@link UsageError} too. */
export async function loadPlanFile(
  path: string,
  o: Omit<PlanFileOptions, "source"> & { catalogue: Pick<FaultCatalogue, "loadPlugins"> },
): Promise<PlannedFault[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "no such file"
      : (e as Error).message.split("\n")[0];
    throw new UsageError(
      `--faults-file ${path}: cannot read it (${why}): give the path of a JSON plan`,
    );
  }
  const modules = new Map<string, Fault>();
  const base = new URL(`file://${path.startsWith("/") ? path : `${Deno.cwd()}/${path}`}`).href;
  for (const spec of moduleSpecs(text)) {
    const [fault] = await o.catalogue.loadPlugins([spec], base);
    modules.set(spec, fault);
  }
  const { catalogue: _, ...rest } = o;
  return parsePlanFile(text, { ...rest, source: path, modules });
}

/** The fault modules a plan's entries name (none when it is not a JSON array: parsing says why). */
function moduleSpecs(text: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(json)) return [];
  const specs = json.map((e) => (e as Record<string, unknown> | null)?.fault)
    .filter((f): f is string => typeof f === "string" && isFaultModule(f));
  return [...new Set(specs)];
}

/** The distinct fault names a plan uses, in first-use order. */
export function planFaultNames(plan: readonly PlannedFault[]): string[] {
  return [...new Set(plan.map((p) => p.fault))];
}

/** ms from a duration string ("5s", "500ms", "1.5m") or a number of ms; undefined when neither or negative. */
function toMs(value: unknown): number | undefined {
  if (typeof value === "number") {
    return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
  }
  if (typeof value !== "string") return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return Math.round(m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : n * 60_000);
}

function show(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
