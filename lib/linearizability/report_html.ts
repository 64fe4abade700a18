/**
 * A small self-contained HTML report of a check: the verdict, violations
 * across keys, and for each partition that admits no order its operations
 * drawn as lanes per client around the window (highlighted), the window's
 * operations, and the longest partial linearization found.
 */
import type { CheckResult, OpView, PartitionVerdict } from "./check.ts";

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const t = (x: number | null) => x === null ? "∞" : Number.isInteger(x) ? String(x) : x.toFixed(2);

function lanes(p: PartitionVerdict): string {
  const w = p.window;
  const ops = new Map<number, OpView>();
  for (const op of [...(p.context ?? []), ...(w?.inside ?? []), ...(w?.edge ?? [])]) {
    ops.set(op.id, op);
  }
  const list = [...ops.values()];
  if (list.length === 0) return "";
  const inside = new Set(w?.inside.map((o) => o.id)), edge = new Set(w?.edge.map((o) => o.id));
  const clients = [...new Set(list.map((o) => o.client))].sort();
  const finite = list.flatMap((o) => o.ret === null ? [o.call] : [o.call, o.ret]).filter(
    Number.isFinite,
  );
  const x0 = Math.min(...finite), x1 = Math.max(...finite, x0 + 1);
  const W = 1100, L = 90, laneH = 26, H = clients.length * laneH + 30;
  const x = (v: number) => L + ((Math.max(x0, Math.min(x1, v)) - x0) / (x1 - x0)) * (W - L - 10);
  const parts: string[] = [];
  if (w) {
    const a = x(w.from === -Infinity ? x0 : w.from), b = x(w.to);
    parts.push(
      `<rect x="${a}" y="0" width="${Math.max(b - a, 2)}" height="${H - 20}" fill="#fde2e2"/>`,
    );
  }
  clients.forEach((c, i) => {
    const y = i * laneH + 4;
    parts.push(`<text x="4" y="${y + 15}" font-size="12">${esc(c)}</text>`);
    parts.push(
      `<line x1="${L}" x2="${W - 10}" y1="${y + laneH - 3}" y2="${y + laneH - 3}" stroke="#eee"/>`,
    );
  });
  for (const op of list) {
    const i = clients.indexOf(op.client);
    const y = i * laneH + 6;
    const a = x(op.call), b = op.ret === null ? W - 10 : x(op.ret);
    const color = inside.has(op.id) ? "#e15759" : edge.has(op.id) ? "#f2b134" : "#9db4cf";
    const dash = op.ret === null ? ` stroke-dasharray="4 2"` : "";
    const label = op.text.length * 6 < b - a - 4 ? op.text : "";
    parts.push(
      `<g><title>${
        esc(
          `#${op.id} ${op.client} [${t(op.call)}, ${t(op.ret)}] ${op.text}${
            op.source ? ` (${op.source})` : ""
          }`,
        )
      }</title>` +
        `<rect x="${a}" y="${y}" width="${Math.max(b - a, 2)}" height="${
          laneH - 10
        }" rx="3" fill="${color}" fill-opacity="0.35" stroke="${color}"${dash}/>` +
        (label ? `<text x="${a + 3}" y="${y + 12}" font-size="10">${esc(label)}</text>` : "") +
        `</g>`,
    );
  }
  parts.push(`<text x="${L}" y="${H - 6}" font-size="11">${t(x0)}</text>`);
  parts.push(`<text x="${W - 60}" y="${H - 6}" font-size="11">${t(x1)}</text>`);
  return `<svg width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif">${
    parts.join("")
  }</svg>`;
}

const row = (op: OpView, extra = "") =>
  `<tr><td>#${op.id}</td><td>${esc(op.client)}</td><td>${t(op.call)}</td><td>${t(op.ret)}</td><td>${
    esc(op.text)
  }</td><td>${esc(extra)}</td><td>${esc(op.source ?? "")}</td></tr>`;

/** The report of `result` for the history `file`. */
export function reportHtml(result: CheckResult, file: string): string {
  const color = result.verdict === "linearizable"
    ? "#59a14f"
    : result.verdict === "unknown"
    ? "#f2b134"
    : "#e15759";
  const sections: string[] = [];
  if (result.cross.length) {
    sections.push(
      `<h2>Across keys</h2><ul>${
        result.cross.map((c) => `<li>${esc(c.message)}</li>`).join("")
      }</ul>`,
    );
  }
  for (const p of result.partitions.filter((p) => p.verdict !== "linearizable").slice(0, 20)) {
    const w = p.window;
    sections.push(`<h2>${esc(p.name)}: ${esc(p.verdict)}</h2>
<p>${p.ops} operations searched in ${p.steps} steps.${
      w
        ? ` No order admits the window from ${t(w.from === -Infinity ? null : w.from)} to ${
          t(w.to)
        } (shaded): its ${w.inside.length} operations (red) as they are, the ${w.edge.length} straddling its edges (yellow) as unknown outcomes, from any state at its start${
          w.minimal ? "" : " (not shrunk to the end: time ran out)"
        }.`
        : ""
    }</p>
${lanes(p)}
${
      w
        ? `<h3>The window</h3><table><tr><th>op</th><th>client</th><th>call</th><th>return</th><th>operation</th><th></th><th>source</th></tr>${
          w.inside.map((o) => row(o)).join("")
        }${w.edge.map((o) => row(o, "straddles an edge")).join("")}</table>`
        : ""
    }
${
      p.longest
        ? `<h3>The longest partial linearization (${p.longestLength} steps; the last ${p.longest.length})</h3><table><tr><th>op</th><th>client</th><th>call</th><th>return</th><th>operation</th><th>state after</th><th>source</th></tr>${
          p.longest.map((s) => row(s.op, s.stateAfter)).join("")
        }</table>`
        : ""
    }
${
      p.stuck
        ? `<p>After it, nothing could be placed before this operation returned: ${
          esc(`#${p.stuck.id} ${p.stuck.client} ${p.stuck.text}`)
        }</p>`
        : ""
    }`);
  }
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(file)}: ${
    esc(result.verdict)
  }</title>
<style>body{font-family:sans-serif;margin:1.5em;max-width:1150px}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left}.v{color:${color}}</style></head>
<body><h1 class="v">${esc(result.verdict)}</h1>
<p>${
    esc(file)
  }: ${result.ops} operations, ${result.model} model, ${result.partitions.length} partitions, checked in ${
    Math.round(result.elapsedMs)
  } ms.${result.reason ? ` ${esc(result.reason)}.` : ""}</p>
${sections.join("\n")}
</body></html>
`;
}
