/** The built-in scenarios, by name, as module URLs (node processes import them too). */
export const BUILTIN_SCENARIOS: Record<string, string> = {
  lock: new URL("./lock/mod.ts", import.meta.url).href,
  pubsub: new URL("./pubsub/mod.ts", import.meta.url).href,
  notification: new URL("./notification/mod.ts", import.meta.url).href,
  queue: new URL("./queue/mod.ts", import.meta.url).href,
  discovery: new URL("./discovery/mod.ts", import.meta.url).href,
  monitoring: new URL("./monitoring/mod.ts", import.meta.url).href,
  barrier: new URL("./barrier/mod.ts", import.meta.url).href,
  election: new URL("./election/mod.ts", import.meta.url).href,
  "load-balancing": new URL("./load_balancing/mod.ts", import.meta.url).href,
  kv: new URL("./kv/mod.ts", import.meta.url).href,
};
