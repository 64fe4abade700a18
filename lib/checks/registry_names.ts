/**
 * The role and operation names the registry checkers read (discovery and
 * monitoring use the same shapes): who registers, who watches, and what
 * their operations are called.
 */
export interface RegistryNames {
  /** Role of the nodes that register (services, monitored members). */
  registrant: string;
  /** Role of the nodes that keep a view (discoverers). */
  reader: string;
  /** Operation that (re)registers; value `{ key, value }`, ok value adds `lease`. */
  register: string;
  /** Operation recording a view; ok value `{ revision, services }`. */
  view: string;
  /** Operation recording a census; ok value see census.ts. */
  census: string;
}

/** The names the discovery scenario uses. */
export const DISCOVERY_NAMES: RegistryNames = {
  registrant: "service",
  reader: "discoverer",
  register: "register",
  view: "view",
  census: "census",
};

/** What a register operation carries. */
export interface RegisterValue {
  key: string;
  value: string;
  /** Set on ok: the lease the key was put under. */
  lease?: string;
}

/** The key and value a register operation was asked to put (from its invocation, else its completion). */
export function registerValue(
  o: { invoke: { value?: unknown }; complete?: { value?: unknown } },
): RegisterValue | undefined {
  return (o.invoke.value ?? o.complete?.value) as RegisterValue | undefined;
}
