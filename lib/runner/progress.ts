import type { HistoryWriter } from "../history/writer.ts";

/**
 * Progress of a run on stderr: on a terminal one live line (scenario,
 * elapsed / total, operations ok / fail / info, active faults); elsewhere a
 * plain line per phase and every few seconds.
 */
export class Progress {
  #on: boolean;
  #tty: boolean;
  #label: string;
  #totalMs: number;
  #faults: string[] = [];
  #start = 0;
  #encoder = new TextEncoder();

  constructor(on: boolean, scenario: string, subject: string, totalMs: number) {
    this.#on = on;
    this.#tty = Deno.stderr.isTerminal();
    this.#label = `${scenario}/${subject}`;
    this.#totalMs = totalMs;
  }

  phase(name: string): void {
    if (!this.#on) return;
    this.#clear();
    console.error(`[${this.#label}] ${name}`);
  }

  faults(active: string[]): void {
    this.#faults = active;
  }

  /** Waits out the workload, showing progress. */
  async tick(ms: number, history: HistoryWriter): Promise<void> {
    this.#start = Date.now();
    const every = this.#tty ? 250 : 5000;
    while (Date.now() - this.#start < ms) {
      await new Promise((r) => setTimeout(r, Math.min(every, ms - (Date.now() - this.#start))));
      if (this.#on) this.#show(history);
    }
  }

  #show(history: HistoryWriter): void {
    let ok = 0, fail = 0, info = 0;
    for (const e of history.events) {
      if (e.kind !== "op") continue;
      if (e.type === "ok") ok++;
      else if (e.type === "fail") fail++;
      else if (e.type === "info") info++;
    }
    const elapsed = ((Date.now() - this.#start) / 1000).toFixed(0);
    const line = `[${this.#label}] ${elapsed}/${(this.#totalMs / 1000).toFixed(0)} s  ` +
      `ok ${ok}  fail ${fail}  info ${info}  faults: ${this.#faults.join(" ") || "-"}`;
    if (this.#tty) Deno.stderr.writeSync(this.#encoder.encode(`\r\x1b[2K${line}`));
    else console.error(line);
  }

  #clear(): void {
    if (this.#tty) Deno.stderr.writeSync(this.#encoder.encode(`\r\x1b[2K`));
  }

  done(): void {
    if (this.#on) this.#clear();
  }
}
