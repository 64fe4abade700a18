/**
 * A seeded corpus of register histories: clients against a true register,
 * linearizable by construction, and the same with one planted anomaly. Every
 * value written is new, so a planted anomaly is an anomaly whatever order the
 * checker tries: it sits in a quiet gap in the middle of the history (no
 * client is inside an operation; unknown-outcome ones never take effect there).
 */
import { mulberry32 } from "../proc/random.ts";
import type { RegisterInput, RegisterOutput, RegisterValue } from "./register_model.ts";
import { type Corpus, type CorpusRecord, opsOf } from "./corpus_record.ts";
import { schedule, type Slot } from "./schedule.ts";

/** The anomalies a register history can be planted with. */
export const REGISTER_ANOMALIES = [
  "stale-read",
  "lost-write",
  "double-write",
  "never-written",
  "wrong-cas",
] as const;

/** One of {@link REGISTER_ANOMALIES}. */
export type RegisterAnomaly = typeof REGISTER_ANOMALIES[number];

/** Options of {@link generateRegister}. */
export interface RegisterCorpusOptions {
  seed: number;
  clients: number;
  ops: number;
  /** Share of unknown outcomes (default 0.02). */
  infoRate?: number;
  anomaly?: RegisterAnomaly;
}

interface Planned {
  slot: Slot;
  input: RegisterInput;
  /** Pattern tweaks: the effect is lost, or forced (a cas that succeeds whatever the value). */
  lost?: boolean;
  forced?: boolean;
  /** A read's answer replaced by this value. */
  answer?: RegisterValue;
  record?: CorpusRecord<RegisterInput, RegisterOutput>;
}

/** Generates a register history (linearizable unless `anomaly` is given). */
export function generateRegister(
  options: RegisterCorpusOptions,
): Corpus<RegisterInput, RegisterOutput> {
  const rand = mulberry32(options.seed);
  let fresh = 0;
  const written: number[] = [];
  const draw = (slot: Slot): Planned => {
    const x = rand();
    if (x < 0.5) return { slot, input: { f: "read" } };
    const v = ++fresh;
    written.push(v);
    if (x < 0.8) return { slot, input: { f: "write", value: v } };
    const recent = written.slice(-6, -1);
    const from = recent.length ? recent[Math.floor(rand() * recent.length)] : null;
    return { slot, input: { f: "cas", from, to: v } };
  };
  const first = options.anomaly ? Math.floor(options.ops / 2) : options.ops;
  const a = schedule({
    rand,
    clients: options.clients,
    ops: first,
    infoRate: options.infoRate,
    from: 0,
  });
  const planned: Planned[] = a.slots.map(draw);
  let t = a.end;
  const extra: { lin: number; apply: () => void }[] = [];
  if (options.anomaly) {
    const client = options.clients; // a client of its own
    const seq = (input: RegisterInput, more: Partial<Planned> = {}): Planned => {
      const slot: Slot = {
        client,
        incarnation: 0,
        call: t,
        ret: t + 1,
        lin: t + 0.5,
        info: false,
        applies: true,
      };
      t += 2;
      const p = { slot, input, ...more };
      planned.push(p);
      return p;
    };
    const w = (): RegisterInput => ({ f: "write", value: ++fresh });
    switch (options.anomaly) {
      case "stale-read": {
        const old = w();
        seq(old);
        seq(w());
        seq({ f: "read" }, { answer: (old as { value: number }).value });
        break;
      }
      case "lost-write":
        seq(w());
        seq(w(), { lost: true });
        seq({ f: "read" });
        break;
      case "double-write": {
        const again = seq(w());
        seq(w());
        // A retry applies the first write once more, after the second returned.
        extra.push({ lin: t - 0.5, apply: () => state = (again.input as { value: number }).value });
        t += 1;
        seq({ f: "read" });
        break;
      }
      case "never-written":
        seq(w());
        seq({ f: "read" }, { answer: ++fresh + 1_000_000 });
        break;
      case "wrong-cas":
        seq(w());
        seq({ f: "cas", from: ++fresh + 1_000_000, to: ++fresh }, { forced: true });
        seq({ f: "read" });
        break;
    }
    const b = schedule({
      rand,
      clients: options.clients,
      ops: options.ops - first,
      infoRate: options.infoRate,
      from: t + 1,
    });
    planned.push(...b.slots.map(draw));
  }
  // Apply in linearization order to the true register.
  let state: RegisterValue = null;
  const events = [
    ...planned.map((p) => ({ lin: p.slot.lin, apply: () => apply(p) })),
    ...extra,
  ].sort((x, y) => x.lin - y.lin);
  const apply = (p: Planned) => {
    const { slot, input } = p;
    const rec: CorpusRecord<RegisterInput, RegisterOutput> = {
      client: slot.client,
      incarnation: slot.incarnation,
      input,
      outcome: slot.info ? "info" : "ok",
      call: slot.call,
      ret: slot.ret,
    };
    p.record = rec;
    const takes = slot.applies && !p.lost;
    if (input.f === "read") {
      rec.output = { value: p.answer !== undefined ? p.answer : state };
    } else if (input.f === "write") {
      if (takes) state = input.value;
      rec.output = {};
    } else {
      if (state === input.from || p.forced) {
        if (takes) state = input.to;
        rec.output = {};
      } else if (!slot.info) rec.outcome = "fail";
    }
  };
  for (const e of events) e.apply();
  const records = planned.map((p) => p.record!).sort((x, y) => x.call - y.call);
  return { records, ops: opsOf(records), ...(options.anomaly ? { anomaly: options.anomaly } : {}) };
}

/** Writes register records as a Jepsen log (process = client + incarnation × clients). */
export function toJepsenLog(
  records: readonly CorpusRecord<RegisterInput, RegisterOutput>[],
  clients: number,
): string {
  const lines: { t: number; text: string }[] = [];
  const val = (v: RegisterValue | undefined) => v === null || v === undefined ? "nil" : String(v);
  for (const r of records) {
    const proc = r.client + r.incarnation * (clients + 1);
    const f = `:${r.input.f}`;
    const arg = r.input.f === "read"
      ? "nil"
      : r.input.f === "write"
      ? val(r.input.value)
      : `[${val(r.input.from)} ${val(r.input.to)}]`;
    lines.push({ t: r.call, text: `INFO  jepsen.util - ${proc}\t:invoke\t${f}\t${arg}` });
    const out = r.input.f === "read" && r.outcome === "ok" ? val(r.output?.value) : arg;
    const tail = r.outcome === "info" ? "\t:timed-out" : "";
    lines.push({
      t: r.ret,
      text: `INFO  jepsen.util - ${proc}\t:${r.outcome}\t${f}\t${out}${tail}`,
    });
  }
  lines.sort((x, y) => x.t - y.t);
  return lines.map((l) => l.text).join("\n") + "\n";
}
