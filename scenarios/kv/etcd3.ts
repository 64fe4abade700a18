import { rawKvSubject } from "./raw_client.ts";
import type { KvSubjectFactory } from "./subject.ts";

/**
 * etcd3 as users ship it: its default fault handling (a global retry of recoverable errors, up to
 * 3 attempts, puts and transactions included, and a per-host circuit breaker), with the harness's
 * deadline per attempt. A put whose first attempt committed and whose answer was lost is sent
 * again: does anything see it applied twice?
 */
export const etcd3: KvSubjectFactory = (ctx) => rawKvSubject(ctx.client({ faultHandling: {} }));
