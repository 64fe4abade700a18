/**
 * Errors the user can act on. The CLI prints the message as one line and exits 2.
 * Their messages say what went wrong and what to do.
 */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The harness could not set itself up (etcd missing, a port busy, a member that would not start). */
export class HarnessError extends Error {
  override name = "HarnessError";
}
