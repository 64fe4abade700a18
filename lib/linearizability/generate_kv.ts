/**
 * A seeded corpus of kv histories: clients against a simulated etcd store
 * (one global revision, create/mod revisions and versions, leases, txns,
 * serializable reads from an earlier revision), linearizable by construction,
 * and the same with one planted anomaly in a quiet gap in the middle (every
 * value written is new, so the anomaly is one whatever order is tried).
 */
import { mulberry32 } from "../proc/random.ts";
import type { KeyValue, KvInput, KvOutput } from "./kv_types.ts";
import { type Corpus, type CorpusRecord, opsOf } from "./corpus_record.ts";
import { schedule, type Slot } from "./schedule.ts";

/** The anomalies a kv history can be planted with. */
export const KV_ANOMALIES = [
  "stale-read",
  "lost-write",
  "double-write",
  "never-written",
  "wrong-cas",
  "revision-mismatch",
] as const;

/** One of {@link KV_ANOMALIES}. */
export type KvAnomaly = typeof KV_ANOMALIES[number];

/** Options of {@link generateKv}. */
export interface KvCorpusOptions {
  seed: number;
  clients: number;
  ops: number;
  /** Keys k0…k(n-1) (default 6). */
  keys?: number;
  /** Share of unknown outcomes (default 0.02). */
  infoRate?: number;
  anomaly?: KvAnomaly;
}

interface Planned {
  slot: Slot;
  /** The request; some are completed when applied (which lease, which compare). */
  input: KvInput;
  pick?: "lease" | "revoke" | "compare";
  lost?: boolean;
  forced?: boolean;
  answer?: (o: KvOutput) => KvOutput;
  record?: CorpusRecord<KvInput, KvOutput>;
}

/** A simulated etcd store. */
class Store {
  rev = 1;
  keys = new Map<string, KeyValue>();
  /** Each key's states by revision, for serializable reads of an earlier revision. */
  past = new Map<string, { rev: number; kv: KeyValue | null }[]>();
  leases = new Map<string, Set<string>>();
  granted: string[] = [];
  nextLease = 7000;

  at(key: string, rev: number): KeyValue | null {
    const list = this.past.get(key) ?? [];
    for (let i = list.length - 1; i >= 0; i--) if (list[i].rev <= rev) return list[i].kv;
    return null;
  }
  #set(key: string, kv: KeyValue | null) {
    const old = this.keys.get(key);
    if (old && old.lease && old.lease !== "0") this.leases.get(old.lease)?.delete(key);
    if (kv) this.keys.set(key, kv);
    else this.keys.delete(key);
    if (kv?.lease && kv.lease !== "0") this.leases.get(kv.lease)?.add(key);
    if (!this.past.has(key)) this.past.set(key, []);
    this.past.get(key)!.push({ rev: this.rev, kv });
  }
  put(key: string, value: string, lease: string, bump = true): void {
    if (bump) this.rev++;
    const old = this.keys.get(key);
    this.#set(key, {
      key,
      value,
      createRevision: old ? old.createRevision : this.rev,
      modRevision: this.rev,
      version: old ? old.version + 1 : 1,
      ...(lease ? { lease } : {}),
    });
  }
  delete(key: string): number {
    if (!this.keys.has(key)) return 0;
    this.rev++;
    this.#set(key, null);
    return 1;
  }
  revoke(lease: string): boolean {
    const keys = this.leases.get(lease);
    if (!keys) return false;
    this.leases.delete(lease);
    if (keys.size > 0) {
      this.rev++;
      for (const k of [...keys]) this.#set(k, null);
    }
    return true;
  }
}

/** Generates a kv history (linearizable unless `anomaly` is given). */
export function generateKv(options: KvCorpusOptions): Corpus<KvInput, KvOutput> {
  const rand = mulberry32(options.seed);
  const nKeys = options.keys ?? 6;
  let fresh = 0;
  const value = () => `v${++fresh}`;
  const draw = (slot: Slot): Planned => {
    const key = `k${Math.floor(rand() * nKeys)}`;
    const x = rand();
    if (x < 0.22) return { slot, input: { f: "get", key } };
    if (x < 0.27) return { slot, input: { f: "get", key, serializable: true } };
    if (x < 0.31) return { slot, input: { f: "range", prefix: "k", serializable: rand() < 0.2 } };
    if (x < 0.55) {
      return {
        slot,
        input: { f: "put", key, value: value() },
        pick: rand() < 0.3 ? "lease" : undefined,
      };
    }
    if (x < 0.63) return { slot, input: { f: "delete", key } };
    if (x < 0.86) {
      const then = rand() < 0.8 ? { put: value() } : { delete: true as const };
      return {
        slot,
        input: { f: "txn", key, compare: { value: "" }, then },
        pick: "compare",
      };
    }
    if (x < 0.93) return { slot, input: { f: "grant", ttl: 3600 } };
    return { slot, input: { f: "revoke", lease: "" }, pick: "revoke" };
  };
  const half = options.anomaly ? Math.floor(options.ops / 2) : options.ops;
  const a = schedule({
    rand,
    clients: options.clients,
    ops: half,
    infoRate: options.infoRate,
    from: 0,
  });
  const planned: Planned[] = a.slots.map(draw);
  const extra: { lin: number; apply: () => void }[] = [];
  const store = new Store();
  if (options.anomaly) {
    let t = a.end;
    const seq = (input: KvInput, more: Partial<Planned> = {}): Planned => {
      const slot: Slot = {
        client: options.clients,
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
    const key = "k0";
    switch (options.anomaly) {
      case "stale-read": {
        let old: KeyValue | null = null;
        seq({ f: "put", key, value: value() });
        extra.push({ lin: t - 0.9, apply: () => old = store.keys.get(key) ?? null });
        seq({ f: "put", key, value: value() });
        seq({ f: "get", key }, { answer: (o) => ({ ...o, kv: old }) });
        break;
      }
      case "lost-write":
        seq({ f: "put", key, value: value() });
        seq({ f: "put", key, value: value() }, { lost: true });
        seq({ f: "get", key });
        break;
      case "double-write": {
        const again = seq({ f: "put", key, value: value() });
        seq({ f: "put", key, value: value() });
        // A retry applies the first put once more, after the second returned.
        extra.push({
          lin: t - 0.5,
          apply: () => store.put(key, (again.input as { value: string }).value, ""),
        });
        t += 1;
        seq({ f: "get", key });
        break;
      }
      case "never-written":
        seq({ f: "put", key, value: value() });
        seq({ f: "get", key }, {
          answer: (o) => ({ ...o, kv: o.kv ? { ...o.kv, value: "never-written" } : o.kv }),
        });
        break;
      case "wrong-cas":
        seq({ f: "put", key, value: value() });
        seq({ f: "txn", key, compare: { value: "never-written" }, then: { put: value() } }, {
          forced: true,
        });
        seq({ f: "get", key });
        break;
      case "revision-mismatch":
        seq({ f: "put", key: "k1", value: value() });
        seq({ f: "put", key, value: value() }, {
          answer: (o) => ({ ...o, revision: o.revision! - 2 }),
        });
        break;
    }
    const b = schedule({
      rand,
      clients: options.clients,
      ops: options.ops - half,
      infoRate: options.infoRate,
      from: t + 1,
    });
    planned.push(...b.slots.map(draw));
  }
  const apply = (p: Planned) => {
    const { slot } = p;
    let input = p.input;
    const takes = slot.applies && !p.lost;
    const rec: CorpusRecord<KvInput, KvOutput> = {
      client: slot.client,
      incarnation: slot.incarnation,
      input,
      outcome: slot.info ? "info" : "ok",
      call: slot.call,
      ret: slot.ret,
    };
    p.record = rec;
    let out: KvOutput = {};
    switch (input.f) {
      case "get": {
        if (input.serializable) {
          const R = Math.max(1, store.rev - Math.floor(rand() * 4));
          out = { kv: store.at(input.key, R), revision: R };
        } else out = { kv: store.keys.get(input.key) ?? null, revision: store.rev };
        break;
      }
      case "range": {
        const prefix = input.prefix;
        const kvs = [...store.keys.values()].filter((kv) => kv.key.startsWith(prefix))
          .sort((x, y) => x.key < y.key ? -1 : 1);
        out = { kvs, revision: store.rev };
        break;
      }
      case "put": {
        let lease = "";
        if (p.pick === "lease" && store.granted.length > 0) {
          lease = store.granted[Math.floor(rand() * store.granted.length)];
          input = { ...input, lease };
          if (!store.leases.has(lease)) {
            rec.outcome = slot.info ? "info" : "fail";
            break;
          }
        }
        if (takes) store.put(input.key, input.value, lease);
        out = { revision: takes ? store.rev : store.rev + 1 };
        break;
      }
      case "delete": {
        const deleted = takes ? store.delete(input.key) : 0;
        out = { deleted, revision: store.rev };
        break;
      }
      case "txn": {
        const cur = store.keys.get(input.key);
        if (p.pick === "compare") {
          const old = store.at(input.key, Math.max(1, store.rev - 3));
          const compare = rand() < 0.5
            ? { value: (rand() < 0.7 ? cur?.value : old?.value) ?? "none" }
            : { modRevision: (rand() < 0.7 ? cur?.modRevision : old?.modRevision) ?? 0 };
          input = { ...input, compare };
        }
        const c = input.compare;
        const ok = p.forced ||
          ("value" in c
            ? cur !== undefined && cur.value === c.value
            : (cur?.modRevision ?? 0) === c.modRevision);
        if (ok) {
          let deleted: number | undefined;
          if (takes) {
            if ("put" in input.then) {
              store.put(input.key, input.then.put, leaseOfKv(input.then.lease));
            } else deleted = store.delete(input.key);
          }
          out = {
            succeeded: true,
            revision: store.rev,
            ...(deleted !== undefined ? { deleted } : {}),
          };
        } else out = { succeeded: false, kv: cur ?? null, revision: store.rev };
        break;
      }
      case "grant": {
        const lease = String(store.nextLease++);
        if (takes) {
          store.leases.set(lease, new Set());
          store.granted.push(lease);
        }
        out = { lease, ttl: input.ttl, revision: store.rev };
        break;
      }
      case "revoke": {
        if (p.pick === "revoke") {
          const alive = [...store.leases.keys()];
          const lease = alive.length > 0 && rand() < 0.8
            ? alive[Math.floor(rand() * alive.length)]
            : store.granted[Math.floor(rand() * store.granted.length)] ?? "6999";
          input = { ...input, lease };
        }
        const found = takes ? store.revoke(input.lease) : store.leases.has(input.lease);
        out = { found, revision: store.rev };
        break;
      }
    }
    rec.input = input;
    if (rec.outcome === "ok") rec.output = p.answer ? p.answer(out) : out;
  };
  const events = [
    ...planned.map((p) => ({ lin: p.slot.lin, apply: () => apply(p) })),
    ...extra,
  ].sort((x, y) => x.lin - y.lin);
  for (const e of events) e.apply();
  const records = planned.map((p) => p.record!).sort((x, y) => x.call - y.call);
  return { records, ops: opsOf(records), ...(options.anomaly ? { anomaly: options.anomaly } : {}) };
}

function leaseOfKv(lease: string | undefined): string {
  return lease === undefined || lease === "0" ? "" : lease;
}
