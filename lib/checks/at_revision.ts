/**
 * The verdict every "judged at its revision" check gives: what a node
 * reported as seen at revision r against etcd's key log at r. Shared so that
 * each such check keeps the same rules: no record or nothing at a covered
 * revision is unknown, any contradiction is invalid.
 */
import type { JudgedResult } from "./checker.ts";

/** Evidence lists of these checks are cut here; the figures keep the full counts. */
export const MAX_AT_REVISION_EVIDENCE = 50;

/** What a check found, for {@link atRevisionVerdict}. */
export interface AtRevisionTally {
  judged: number;
  wrong: number;
  evidence: unknown[];
  figures: Record<string, number | null>;
  /** What was judged, plural: "observations". */
  what: string;
  /** The first contradiction in words, for the summary. */
  first?: string;
  /** The summary when every report matched. */
  valid: string;
}

/** The result: unknown when nothing was judged, invalid on any contradiction, else valid. */
export function atRevisionVerdict(t: AtRevisionTally): JudgedResult {
  const { judged, figures } = t;
  if (judged === 0) {
    return {
      valid: "unknown",
      judged,
      summary: `no ${t.what} at a revision etcd's record covers`,
      figures,
    };
  }
  if (t.wrong > 0) {
    return {
      valid: false,
      judged,
      summary: `${t.wrong} of ${judged} ${t.what} contradict etcd's record at their revision` +
        (t.first ? ` (first: ${t.first})` : ""),
      evidence: t.evidence,
      figures,
    };
  }
  return { valid: true, judged, summary: t.valid, figures };
}

/** The result of such a check when the final reads hold no key log. */
export function noKeyLog(of: string): JudgedResult {
  return { valid: "unknown", judged: 0, summary: `no key log of ${of} in the final reads` };
}
