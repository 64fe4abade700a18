import { rawKvSubject } from "./raw_client.ts";
import type { KvSubjectFactory } from "./subject.ts";

/** The harness's own client: no retries, a deadline on every call, a lost answer left unknown. */
export const reference: KvSubjectFactory = (_ctx, client) => rawKvSubject(client);
