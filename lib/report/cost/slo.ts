/**
 * Service-level objectives over what each fault cost: `--slo
 * 'write-gap<=3s,p99<=500ms,recovery<=5s'` parsed into bounds, and the
 * figures of lib/report/cost/fault_cost.ts judged against them as named checks.
 */
import type { NamedResult, Validity } from "../../checks/checker.ts";
import { UsageError } from "../../proc/errors.ts";
import type { FaultCost, WindowCost } from "./fault_cost.ts";

/** The figures an SLO can bound. */
export const SLO_FIGURES = [
  "write-gap",
  "read-gap",
  "error-rate",
  "p50",
  "p99",
  "recovery",
  "leader-changes",
] as const;

/** One figure an SLO can bound. */
export type SloFigure = typeof SLO_FIGURES[number];

/** One objective: `figure <= bound` (or `<`). */
export interface Slo {
  /** The figure bounded. */
  figure: SloFigure;
  /** Milliseconds for durations, a fraction (0.05) for error-rate, a count for leader-changes. */
  bound: number;
  /** True for `<`, false for `<=`. */
  strict: boolean;
  /** The objective as the user wrote it, spaces removed: the check's name. */
  text: string;
}

/** A malformed `--slo`: its message is one line saying what the value must be. */
export class SloError extends UsageError {
  override name = "SloError";
}

const DURATION_FIGURES: readonly SloFigure[] = ["write-gap", "read-gap", "p50", "p99", "recovery"];

/** What a value of each figure must look like, for error messages. */
function expected(figure: SloFigure): string {
  if (figure === "error-rate") return "a percentage like 5% (0 to 100)";
  if (figure === "leader-changes") return "a whole number like 2";
  return "a duration like 500ms or 3s";
}

/**
 * Parses `--slo`: comma-separated `figure<=value` (or `<`), figures
 * write-gap, read-gap, p50, p99, recovery (durations with ms or s),
 * error-rate (a percentage) and leader-changes (a count). Throws
 * {@link SloError} on anything else; a figure named twice is refused too.
 */
export function parseSlo(text: string): Slo[] {
  const parts = text.split(",").map((p) => p.replace(/\s+/g, "")).filter((p) => p !== "");
  if (parts.length === 0) {
    throw new SloError(
      `--slo is empty: give objectives like 'write-gap<=3s,p99<=500ms,recovery<=5s'`,
    );
  }
  const seen = new Set<string>();
  return parts.map((part) => {
    const m = /^([a-z0-9-]+)(<=|<)(.+)$/.exec(part);
    if (!m) {
      throw new SloError(
        `--slo '${part}' is not an objective: write figure<=value, e.g. write-gap<=3s or p99<=500ms`,
      );
    }
    const figure = m[1] as SloFigure;
    if (!SLO_FIGURES.includes(figure)) {
      throw new SloError(
        `--slo '${part}': unknown figure '${m[1]}'; use one of ${SLO_FIGURES.join(", ")}`,
      );
    }
    if (seen.has(figure)) throw new SloError(`--slo names ${figure} twice: keep one bound`);
    seen.add(figure);
    const bound = parseBound(figure, m[3]);
    if (bound === undefined) {
      throw new SloError(`--slo '${part}': ${figure} must be ${expected(figure)}`);
    }
    return { figure, bound, strict: m[2] === "<", text: part };
  });
}

function parseBound(figure: SloFigure, v: string): number | undefined {
  if (DURATION_FIGURES.includes(figure)) {
    const d = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(v);
    return d ? Number(d[1]) * (d[2] === "s" ? 1000 : 1) : undefined;
  }
  if (figure === "error-rate") {
    const p = /^(\d+(?:\.\d+)?)%$/.exec(v);
    return p && Number(p[1]) <= 100 ? Number(p[1]) / 100 : undefined;
  }
  return /^\d+$/.test(v) ? Number(v) : undefined;
}

/**
 * A window's figure for an objective: a number, `"never"` for a recovery
 * that never came, or null when the window measured nothing of the kind.
 * The baseline has no recovery (nothing healed there).
 */
export function sloFigure(w: WindowCost, figure: SloFigure): number | "never" | null {
  switch (figure) {
    case "write-gap":
      return w.writeGap?.ms ?? null;
    case "read-gap":
      return w.readGap?.ms ?? null;
    case "error-rate":
      return w.errorRate;
    case "p50":
      return w.latency.p50;
    case "p99":
      return w.latency.p99;
    case "recovery":
      if (!w.recovery) return null;
      return w.recovery.unrecovered.length > 0 ? "never" : w.recovery.maxMs;
    case "leader-changes":
      return w.leaderChanges?.count ?? null;
  }
}

/** A figure as a person reads it: 3.2 s, 450 ms, 4.5%, 2. */
export function sloValueText(figure: SloFigure, v: number | "never" | null): string {
  if (v === null) return "not measured";
  if (v === "never") return "never";
  if (figure === "error-rate") return `${Math.round(v * 1000) / 10}%`;
  if (figure === "leader-changes") return String(v);
  return v >= 1000 ? `${Math.round(v / 100) / 10} s` : `${Math.round(v)} ms`;
}

function windowName(w: WindowCost): string {
  return w.kind === "baseline" ? "outside faults" : `${w.fault}#${w.id} ${w.targets.join(",")}`;
}

function windowRef(w: WindowCost) {
  return w.kind === "baseline"
    ? { baseline: true, start: w.start, stop: w.stop }
    : { id: w.id, fault: w.fault, targets: w.targets, start: w.start, stop: w.stop };
}

/**
 * Judges each objective over every fault window and the baseline (recovery:
 * fault windows only), one deciding check per objective named `slo <text>`.
 * Invalid when any window breaks it (evidence: each such window and its
 * figure); else unknown when a window measured nothing of the kind (or
 * none did); else valid. `judged` counts the windows measured.
 */
export function sloChecks(cost: FaultCost, slos: readonly Slo[]): NamedResult[] {
  const all = [...cost.windows, cost.baseline];
  return slos.map((slo) => {
    const windows = slo.figure === "recovery" ? cost.windows : all;
    const broken: unknown[] = [];
    const unmeasured: WindowCost[] = [];
    let judged = 0;
    let worst: { w: WindowCost; v: number | "never" } | undefined;
    for (const w of windows) {
      const v = sloFigure(w, slo.figure);
      if (v === null) {
        unmeasured.push(w);
        continue;
      }
      judged++;
      const n = v === "never" ? Infinity : v;
      if (!worst || n > (worst.v === "never" ? Infinity : worst.v)) worst = { w, v };
      const ok = slo.strict ? n < slo.bound : n <= slo.bound;
      if (!ok) {
        broken.push({
          violation: `${slo.figure} ${sloValueText(slo.figure, v)} breaks ${slo.text}`,
          slo: slo.text,
          figure: slo.figure,
          value: v,
          bound: slo.bound,
          ...(w.kind === "fault" ? { fault: windowRef(w) } : { window: windowRef(w) }),
          ...(slo.figure === "recovery" && w.recovery
            ? { perNode: w.recovery.perNode, unrecovered: w.recovery.unrecovered }
            : {}),
        });
      }
    }
    const figures: Record<string, number | null> = {
      windows: windows.length,
      measured: judged,
      broken: broken.length,
      worst: worst === undefined || worst.v === "never" ? null : worst.v,
    };
    const worstText = worst
      ? `worst ${sloValueText(slo.figure, worst.v)} (${windowName(worst.w)})`
      : "";
    let valid: Validity;
    let summary: string;
    if (broken.length > 0) {
      valid = false;
      summary = `broken in ${broken.length} of ${windows.length} window(s); ${worstText}`;
    } else if (judged === 0) {
      valid = "unknown";
      summary = `no window measured ${slo.figure}: nothing to judge ${slo.text} by`;
    } else if (unmeasured.length > 0) {
      valid = "unknown";
      summary = `kept in ${judged} window(s), ${worstText}; not measured in ${
        unmeasured.map(windowName).join("; ")
      }`;
    } else {
      valid = true;
      summary = `kept in all ${judged} window(s); ${worstText}`;
    }
    return {
      name: `slo ${slo.text}`,
      valid,
      summary,
      judged,
      decides: true,
      applies: true,
      evidence: broken,
      figures,
    };
  });
}
