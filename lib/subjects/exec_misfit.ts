/** The words every schema misfit's message holds: the schema check writes them, the error summary counts them. */
export const MISFIT = "does not fit docs/exec-protocol.schema.json";
