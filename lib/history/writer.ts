import type { HistoryEvent } from "./event.ts";

/**
 * Appends events to `history.ndjson` as they happen, so a crashed run still
 * leaves its evidence, and keeps them in memory for the checkers. The order
 * is the order the runner received them: the events of one process (a node
 * incarnation, or the runner itself) never go back in time, but an event a
 * node stamped a moment before the runner read it may follow a later one of
 * another process. Sort by `time` for one timeline.
 */
export class HistoryWriter {
  readonly events: HistoryEvent[] = [];
  #file: Deno.FsFile;
  #encoder = new TextEncoder();
  #origin: number;

  private constructor(file: Deno.FsFile, origin: number) {
    this.#file = file;
    this.#origin = origin;
  }

  /** Opens (truncates) the history file; `origin` is the run's zero on the wall clock in ms. */
  static async open(path: string, origin: number): Promise<HistoryWriter> {
    const file = await Deno.open(path, { write: true, create: true, truncate: true });
    return new HistoryWriter(file, origin);
  }

  /** Milliseconds since the run started, high resolution. */
  now(): number {
    return wallClock() - this.#origin;
  }

  /** Converts a wall-clock timestamp (ms) taken by any process on this machine to run time. */
  fromWall(wallMs: number): number {
    return wallMs - this.#origin;
  }

  /** Appends one event; its line is written synchronously, so nothing is lost on a crash. */
  append(event: HistoryEvent): void {
    this.events.push(event);
    this.#file.writeSync(this.#encoder.encode(JSON.stringify(event) + "\n"));
  }

  close(): void {
    try {
      this.#file.close();
    } catch { /* already closed */ }
  }
}

/** Milliseconds on the machine's wall clock with sub-millisecond resolution; the same in every process. */
export function wallClock(): number {
  return performance.timeOrigin + performance.now();
}

/** Reads a history file back. */
export async function readHistory(path: string): Promise<HistoryEvent[]> {
  const text = await Deno.readTextFile(path);
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
}
