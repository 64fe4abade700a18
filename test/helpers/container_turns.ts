const TURN_FILE = `${Deno.env.get("TMPDIR") ?? "/tmp"}/etcd-drills-container-tests.lock`;

/**
 * Runs `fn` holding an exclusive lock that every container test of this
 * machine takes: test files run in parallel (`deno test --parallel`) share
 * one process, so the runs of one container test would otherwise count as
 * another's leftovers. (Each holder opens the file itself: flock excludes
 * across opens, in one process as across processes.)
 */
export async function oneContainerTestAtATime<T>(fn: () => Promise<T>): Promise<T> {
  const file = await Deno.open(TURN_FILE, { create: true, write: true });
  try {
    await file.lock(true);
    return await fn();
  } finally {
    file.close(); // releases the lock
  }
}
