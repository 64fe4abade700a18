/**
 * The cost figures of one finished run and its SLO checks, as the report
 * phase takes them: the history in memory, the elections from the members'
 * logs in the run directory. Computing them never costs the run its
 * results: a failure leaves the figures out and makes every SLO check
 * unknown with the error.
 */
import type { NamedResult } from "../../checks/checker.ts";
import type { HistoryEvent } from "../../history/event.ts";
import type { FaultCost } from "./fault_cost.ts";
import { faultCost } from "./fault_cost.ts";
import { readElections } from "./member_elections.ts";
import type { Slo } from "./slo.ts";
import { sloChecks } from "./slo.ts";

/** Options of {@link runCost}. */
export interface RunCostOptions {
  history: readonly HistoryEvent[];
  /** The run directory (member logs under `etcd/`). */
  dir: string;
  /** The run's zero on the wall clock, ms. */
  originMs: number;
  slo?: readonly Slo[];
  /**
   * Whether `<dir>/etcd/*.log` holds the members' whole logs by now (a process
   * cluster writes them as it runs; a container cluster saves them when it
   * stops, after the report): false leaves leader changes unmeasured.
   * Default true.
   */
  memberLogs?: boolean;
}

/** The figures (absent when they could not be computed) and one check per objective. */
export async function runCost(
  o: RunCostOptions,
): Promise<{ cost?: FaultCost; checks: NamedResult[] }> {
  try {
    const elections = o.memberLogs === false ? undefined : await readElections(o.dir, o.originMs);
    const cost = faultCost({ history: o.history, elections });
    return { cost, checks: sloChecks(cost, o.slo ?? []) };
  } catch (e) {
    return {
      checks: (o.slo ?? []).map((s) => ({
        name: `slo ${s.text}`,
        valid: "unknown",
        summary: `the fault cost could not be computed: ${e}`,
        judged: 0,
        decides: true,
        applies: true,
      })),
    };
  }
}
