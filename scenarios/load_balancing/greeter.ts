/**
 * The gRPC Greeter of the load-balancing scenario (greeter.proto): a server
 * on a free loopback port that answers with its identity, and a round-robin
 * client that records which server answered and which address the call went to.
 */
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

const PROTO = new URL("./greeter.proto", import.meta.url).pathname;

/** The server that answered a call, as it names itself in the reply. */
export interface ServerIdentity {
  node: string;
  incarnation: number;
  addr: string;
}

/** How one SayHello ended: the answer, or the gRPC status; `peer` is the address it was sent to. */
export interface CallResult {
  ok: boolean;
  server?: ServerIdentity;
  peer?: string;
  code?: number;
  details?: string;
}

let loaded: grpc.ServiceClientConstructor | undefined;

/** The generated Greeter client class (its `service` is the server-side definition). */
function greeterClass(): grpc.ServiceClientConstructor {
  if (!loaded) {
    const def = protoLoader.loadSync(PROTO, { keepCase: true, longs: Number, defaults: true });
    // deno-lint-ignore no-explicit-any
    const pkg = grpc.loadPackageDefinition(def) as any;
    loaded = pkg.drills.greeter.Greeter as grpc.ServiceClientConstructor;
  }
  return loaded;
}

/** A Greeter server on 127.0.0.1, on a port the kernel picked. */
export class GreeterServer {
  readonly addr: string;
  #server: grpc.Server;
  #lastCallAt = 0;

  private constructor(server: grpc.Server, addr: string) {
    this.#server = server;
    this.addr = addr;
  }

  /** Starts serving; replies name `node`, `incarnation` and the listen address. */
  static start(who: { node: string; incarnation: number }): Promise<GreeterServer> {
    const server = new grpc.Server();
    let self: GreeterServer | undefined;
    server.addService(greeterClass().service, {
      SayHello: (
        call: grpc.ServerUnaryCall<{ name: string }, unknown>,
        reply: grpc.sendUnaryData<unknown>,
      ) => {
        if (self) self.#lastCallAt = Date.now();
        reply(null, {
          message: `Hello ${call.request.name}`,
          node: who.node,
          incarnation: who.incarnation,
          addr: self?.addr ?? "",
        });
      },
    });
    return new Promise((resolve, reject) => {
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, port) => {
        if (e) return reject(e);
        self = new GreeterServer(server, `127.0.0.1:${port}`);
        resolve(self);
      });
    });
  }

  /**
   * Drains, then stops: waits until no call came for `idleMs` (at most
   * `maxMs`), so clients that still route here after the deregistration get
   * answers, then shuts down gracefully (bounded by `maxMs` again).
   */
  async stop(idleMs: number, maxMs: number): Promise<void> {
    const end = Date.now() + maxMs;
    await new Promise<void>((resolve) => {
      const check = () => {
        const idle = Date.now() - this.#lastCallAt;
        if (idle >= idleMs || Date.now() >= end) return resolve();
        setTimeout(check, Math.min(idleMs - idle, end - Date.now()));
      };
      check();
    });
    // tryShutdown, not forceShutdown: forceShutdown crashed Deno 2.9.6 (segfault) when measured here.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, maxMs);
      this.#server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** A Greeter client that balances round-robin over whatever `target`'s resolver returns. */
export class GreeterClient {
  #client: grpc.Client;

  constructor(target: string) {
    const Greeter = greeterClass();
    this.#client = new Greeter(target, grpc.credentials.createInsecure(), {
      "grpc.service_config": JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
    });
  }

  /** Waits until the channel has a connected server, up to `ms`; false when it did not. */
  waitForReady(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      this.#client.waitForReady(Date.now() + ms, (e) => resolve(!e));
    });
  }

  /** One SayHello with a deadline; never throws, the outcome is in the result. */
  sayHello(name: string, deadlineMs: number): Promise<CallResult> {
    return new Promise((resolve) => {
      // deno-lint-ignore no-explicit-any
      const client = this.#client as any;
      const call: grpc.ClientUnaryCall = client.SayHello(
        { name },
        { deadline: Date.now() + deadlineMs },
        (e: grpc.ServiceError | null, res?: ServerIdentity) => {
          const peer = peerOf(call);
          if (e || !res) {
            resolve({ ok: false, peer, code: e?.code, details: e?.details });
          } else {
            const server = { node: res.node, incarnation: Number(res.incarnation), addr: res.addr };
            resolve({ ok: true, server, peer });
          }
        },
      );
    });
  }

  close(): void {
    this.#client.close();
  }
}

/**
 * The address a call was sent to, when it got that far. grpc-js answers
 * "unknown", or the channel's target (`etcd-drills:///feed-1`) for a call
 * that never got a server: neither is an address it went to.
 */
export function peerOf(
  call: Pick<grpc.ClientUnaryCall, "getPeer"> | undefined,
): string | undefined {
  try {
    const p = call?.getPeer();
    return p && p !== "unknown" && !p.includes("://") ? p : undefined;
  } catch {
    return undefined;
  }
}
