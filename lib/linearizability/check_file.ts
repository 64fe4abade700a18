/**
 * Checks one history file: a Jepsen register log (`register`) or the
 * project's history.ndjson (`kv`). Unreadable input throws {@link InputError}.
 */
import { checkHistory, type CheckResult } from "./check.ts";
import { InputError } from "./input_error.ts";
import { parseJepsenLog } from "./jepsen_log.ts";
import { kvOpsFromHistory, parseHistoryText } from "./kv_history.ts";
import { kvModel } from "./kv_model.ts";
import { registerModel } from "./register_model.ts";

/** The models a history file can be checked against. */
export const FILE_MODELS = ["register", "kv"] as const;

/** One of {@link FILE_MODELS}. */
export type FileModel = typeof FILE_MODELS[number];

/** Options of {@link checkText}. */
export interface CheckFileOptions {
  model: FileModel;
  /** Search time budget, ms. */
  budgetMs: number;
}

/** Checks a history given as text. */
export function checkText(text: string, options: CheckFileOptions): CheckResult {
  if (options.model === "register") {
    const ops = parseJepsenLog(text);
    if (ops.length === 0 && !/jepsen\.util/.test(text)) {
      throw new InputError(
        "line 1: expected Jepsen register log lines (INFO  jepsen.util - PROC<TAB>:invoke<TAB>:read<TAB>nil)",
        1,
      );
    }
    return checkHistory(registerModel, ops, { budgetMs: options.budgetMs });
  }
  const { ops } = kvOpsFromHistory(parseHistoryText(text));
  return checkHistory(kvModel, ops, { budgetMs: options.budgetMs });
}

/** Reads and checks a history file. */
export async function checkFile(path: string, options: CheckFileOptions): Promise<CheckResult> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new InputError(
      `cannot read it (${e instanceof Error ? e.message : e}); give a readable file`,
    );
  }
  return checkText(text, options);
}
