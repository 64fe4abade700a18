/**
 * Where a `--subject` comes from: a built-in name (`reference`), a user's
 * module (`./my_lock.ts`, a file: or https: URL) or a program in any language
 * (`exec:python3 my_lock.py`).
 */
import { toFileUrl } from "../proc/paths.ts";

/** A parsed `--subject`. */
export type SubjectRef =
  | { kind: "builtin"; name: string }
  | { kind: "module"; spec: string; url: string }
  | { kind: "exec"; spec: string; command: string[] };

/** Reads a `--subject` value; names that are neither a module nor `exec:` are built-in names. */
export function parseSubjectRef(spec: string): SubjectRef {
  if (spec.startsWith("exec:")) {
    return { kind: "exec", spec, command: splitCommand(spec.slice("exec:".length)) };
  }
  if (/^(https?|file):/.test(spec)) return { kind: "module", spec, url: spec };
  if (/[/\\]|\.(ts|js|mjs|tsx|jsx)$/.test(spec)) {
    return { kind: "module", spec, url: toFileUrl(spec) };
  }
  return { kind: "builtin", name: spec };
}

/**
 * Splits a command line as a shell would for words and quotes (no
 * expansion): `python3 "my lock.py" --x` → three words.
 */
export function splitCommand(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unclosed ${quote} in ${JSON.stringify(text)}`);
  if (inWord) words.push(word);
  return words;
}
