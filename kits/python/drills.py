"""drills: write an etcd recipe in Python, let etcd-drills drill it.

Standard library only. The kit speaks etcd-drills' exec line protocol
(docs/exec-protocol.md) so that your code does not have to: it reads the
node's environment (endpoints, prefix, TTL, TLS files, the user and its
password file), runs the call loop with each call's deadline, turns what
your methods return or raise into ok / false / null, writes events, and
hands each call to the method of the same name on your subclass of the
scenario's interface (Lock, Queue, Election, ...).

    import drills

    class MyQueue(drills.Queue):
        def enqueue(self, call):
            a = call.args
            res = self.etcd.txn(compare=[drills.absent(a["key"])],
                                success=[drills.put(a["key"], a["value"])])
            if not res.get("succeeded"):
                return drills.failed("the key exists")
            return drills.ok(revision=res["header"]["revision"])
        ...

    drills.run(MyQueue)

What a method returns:
  drills.ok(value, revision)   it happened                  -> "ok": true
  drills.failed(error, ...)    it surely did not, and never will -> "ok": false
  drills.unknown(error)        you cannot tell               -> "ok": null
  None                         ok, with no value
What a method raises is an unknown outcome ("ok": null), never false: a
request that timed out (drills.Unknown, socket.timeout, OSError) may have
been applied. Raise drills.Failed("why") only when it surely was not.
A call that outlives its deadline is answered null by the kit (the late
result is dropped), so the node never has to kill the program for it.

Bring any client you like (self.etcd is a small client of etcd's JSON
gateway, /v3/...; self.env has everything to build your own: endpoints,
TLS files, user and password).
"""

import base64
import http.client
import json
import os
import socket
import ssl
import sys
import threading
import time
import traceback
import urllib.parse

__all__ = [
    "Env", "Etcd", "Lease", "Call", "Answer", "Unknown", "Failed", "ok", "failed", "unknown",
    "run", "b64", "unb64", "put", "absent", "get", "delete", "create_is", "mod_is",
    "Subject", "Lock", "Discovery", "PubSub", "Notification", "Queue", "Barrier", "Election",
    "Monitoring", "LoadBalancing",
]


# ---------------------------------------------------------------- outcomes


class Unknown(Exception):
    """The outcome cannot be known (a timeout, a lost connection): answered "ok": null."""


class Failed(Exception):
    """It surely did not happen and never will: answered "ok": false."""

    def __init__(self, error, value=None, revision=None):
        super().__init__(error)
        self.value = value
        self.revision = revision


class Answer:
    """What a call answers: ok True/False/None, with value, revision and error where known."""

    def __init__(self, ok_, value=None, revision=None, error=None):
        self.ok = ok_
        self.value = value
        self.revision = revision
        self.error = error

    def line(self, call_id, lease=None):
        """The answer as the JSON object the node reads."""
        out = {"id": call_id, "ok": self.ok}
        if self.value is not None:
            out["value"] = self.value
        if self.revision is not None:
            out["revision"] = int(self.revision)
        if self.error is not None:
            out["error"] = str(self.error)
        if lease is not None:
            out["lease"] = str(lease)
        return out


def ok(value=None, revision=None):
    """It happened."""
    return Answer(True, value, revision)


def failed(error, value=None, revision=None):
    """It surely did not happen (a guard refused it, it is not ours)."""
    return Answer(False, value, revision, error)


def unknown(error):
    """You cannot tell whether it happened."""
    return Answer(None, error=error)


# ---------------------------------------------------------------- environment


class Env:
    """The node's environment (DRILLS_*), read once."""

    def __init__(self, environ=None):
        e = os.environ if environ is None else environ
        self.endpoints = [x for x in e.get("DRILLS_ENDPOINTS", "").split(",") if x]
        self.prefix = e.get("DRILLS_PREFIX", "/")
        self.ttl = int(e.get("DRILLS_TTL", "2"))
        self.node = e.get("DRILLS_NODE", "n0")
        self.incarnation = int(e.get("DRILLS_INCARNATION", "1"))
        self.start = int(e.get("DRILLS_START", "1"))
        self.role = e.get("DRILLS_ROLE", "")
        self.scenario = e.get("DRILLS_SCENARIO", "")
        self.params = json.loads(e.get("DRILLS_PARAMS", "{}") or "{}")
        self.cacert = e.get("DRILLS_CACERT")
        self.cert = e.get("DRILLS_CERT")
        self.key = e.get("DRILLS_KEY")
        self.server_name = e.get("DRILLS_SERVER_NAME")
        self.user = e.get("DRILLS_USER")
        self.password_file = e.get("DRILLS_PASSWORD_FILE")
        self.call_timeout = float(self.params.get("callTimeoutMs", 2000)) / 1000

    @property
    def identity(self):
        """This program's name among the others: node#incarnation.start."""
        return "%s#%d.%d" % (self.node, self.incarnation, self.start)

    def password(self):
        """The user's password (first line of DRILLS_PASSWORD_FILE), or None without a user."""
        if not self.password_file:
            return None
        with open(self.password_file) as f:
            return f.readline().rstrip("\r\n")


# ---------------------------------------------------------------- etcd's JSON gateway


def b64(text):
    """etcd's gateway wants keys and values in base64."""
    return base64.b64encode(text.encode() if isinstance(text, str) else text).decode()


def unb64(text):
    return base64.b64decode(text or "").decode(errors="replace")


def put(key, value, lease=None):
    """A put for a transaction's branch."""
    p = {"key": b64(key), "value": b64(value)}
    if lease is not None:
        p["lease"] = str(lease)
    return {"request_put": p}


def get(key, prefix=False, **extra):
    """A range for a transaction's branch (prefix=True: every key below `key`)."""
    r = {"key": b64(key)}
    if prefix:
        r["range_end"] = b64(prefix_end(key))
    r.update(extra)
    return {"request_range": r}


def delete(key):
    """A delete for a transaction's branch."""
    return {"request_delete_range": {"key": b64(key)}}


def absent(key):
    """A compare: the key does not exist."""
    return {"key": b64(key), "target": "CREATE", "result": "EQUAL", "create_revision": "0"}


def create_is(key, revision):
    """A compare: the key's create revision is `revision` (a fencing token)."""
    return {"key": b64(key), "target": "CREATE", "result": "EQUAL",
            "create_revision": str(revision)}


def mod_is(key, revision):
    """A compare: the key's mod revision is `revision` (that very version)."""
    return {"key": b64(key), "target": "MOD", "result": "EQUAL", "mod_revision": str(revision)}


def prefix_end(key):
    b = bytearray(key.encode())
    while b and b[-1] == 0xFF:
        b.pop()
    if not b:
        return "\0"
    b[-1] += 1
    return b.decode(errors="surrogateescape")


def kv_of(kv):
    """A gateway key-value with key and value decoded and revisions as ints."""
    return {
        "key": unb64(kv.get("key")),
        "value": unb64(kv.get("value")),
        "create_revision": int(kv.get("create_revision", 0)),
        "mod_revision": int(kv.get("mod_revision", 0)),
        "lease": kv.get("lease", "0"),
    }


class _NamedHTTPS(http.client.HTTPSConnection):
    """HTTPS that checks the server's certificate against `server_name` (SNI too), not the
    host dialled: a node's proxy is on 127.0.0.1, the members' certificates name their host."""

    def __init__(self, host, port, server_name=None, **kw):
        super().__init__(host, port, **kw)
        self.server_name = server_name or host

    def connect(self):
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.server_name)


class Etcd:
    """A small client of etcd's JSON gateway through the node's proxies: TLS and auth from
    the environment, each request bounded (default: the scenario's callTimeoutMs), the next
    endpoint after an error. Every error is Unknown: the request may have been applied."""

    def __init__(self, env):
        self.env = env
        self.at = 0
        self.lock = threading.Lock()
        self.token = None
        self.context = None
        if env.cacert or env.cert:
            self.context = ssl.create_default_context(cafile=env.cacert)
            if env.cert:
                self.context.load_cert_chain(env.cert, env.key)

    def post(self, path, body, timeout=None):
        """POSTs `body` to `path` (e.g. /v3/kv/range); returns the JSON answer or raises Unknown."""
        timeout = self.env.call_timeout if timeout is None else max(0.05, timeout)
        if self.env.user and self.token is None and path != "/v3/auth/authenticate":
            self.authenticate(timeout)
        with self.lock:
            url = urllib.parse.urlsplit(self.env.endpoints[self.at % len(self.env.endpoints)])
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = self.token
        if url.scheme == "https":
            # The members' certificates name DRILLS_SERVER_NAME, whatever host the proxy is on.
            conn = _NamedHTTPS(url.hostname, url.port, timeout=timeout, context=self.context,
                               server_name=self.env.server_name)
        else:
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
        try:
            conn.request("POST", path, body=json.dumps(body).encode(), headers=headers)
            res = conn.getresponse()
            data = res.read()
            if res.status >= 300:
                detail = data.decode(errors="replace")[:300]
                if "auth token" in detail or res.status == 401:
                    self.token = None  # expired or unknown to this member: authenticate again
                self.rotate()
                raise Unknown("%s: HTTP %s %s" % (path, res.status, detail))
            return json.loads(data)
        except (OSError, ValueError, http.client.HTTPException) as e:
            self.rotate()
            raise Unknown("%s: %s" % (path, e))
        finally:
            conn.close()

    def authenticate(self, timeout):
        res = self.post("/v3/auth/authenticate",
                        {"name": self.env.user, "password": self.env.password()}, timeout)
        self.token = res.get("token")

    def rotate(self):
        with self.lock:
            self.at += 1

    # The calls recipes use most.
    def range(self, key, prefix=False, timeout=None, **extra):
        """Reads `key` (or every key below it); returns (kvs decoded, header revision)."""
        res = self.post("/v3/kv/range", get(key, prefix, **extra)["request_range"], timeout)
        return [kv_of(kv) for kv in res.get("kvs", [])], int(res["header"]["revision"])

    def put(self, key, value, lease=None, timeout=None):
        """Puts; returns the put's revision."""
        res = self.post("/v3/kv/put", put(key, value, lease)["request_put"], timeout)
        return int(res["header"]["revision"])

    def txn(self, compare=(), success=(), failure=(), timeout=None):
        """A transaction; returns the gateway's answer (succeeded, header, responses)."""
        return self.post("/v3/kv/txn", {"compare": list(compare), "success": list(success),
                                        "failure": list(failure)}, timeout)


class Lease:
    """A lease kept alive every TTL/3 by a thread; `lost` once etcd says it is gone or a TTL
    passed without a renewal."""

    def __init__(self, etcd, ttl, timeout=None):
        res = etcd.post("/v3/lease/grant", {"TTL": ttl}, timeout)
        if "ID" not in res:
            raise Unknown("lease grant: %s" % res)
        self.etcd = etcd
        self.ttl = ttl
        self.id = res["ID"]
        self.renewed = time.monotonic()
        self.lost = False
        threading.Thread(target=self._keep, daemon=True).start()

    def _keep(self):
        while not self.lost:
            time.sleep(self.ttl / 3)
            try:
                res = self.etcd.post("/v3/lease/keepalive", {"ID": self.id})
                if int(res.get("result", {}).get("TTL", 0)) > 0:
                    self.renewed = time.monotonic()
                else:
                    self.lost = True
            except Unknown:
                pass
            if time.monotonic() - self.renewed > self.ttl:
                self.lost = True

    def revoke(self):
        self.lost = True
        try:
            self.etcd.post("/v3/lease/revoke", {"ID": self.id})
        except Unknown:
            pass


# ---------------------------------------------------------------- the call loop


class Call:
    """One call: its name, args and deadline (time.monotonic(); None: no deadline)."""

    def __init__(self, msg, stopping):
        self.id = msg["id"]
        self.name = msg["call"]
        self.args = msg.get("args", {})
        ms = msg.get("deadlineMs")
        self.deadline = None if ms is None else time.monotonic() + ms / 1000.0
        self.stopping = stopping

    def remaining(self, margin=0.3):
        """Seconds left before the deadline (less a margin for the answer); None without one."""
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - time.monotonic() - margin)

    def expired(self, margin=0.3):
        r = self.remaining(margin)
        return r is not None and r <= 0

    def timeout(self, default):
        """A request's timeout: `default`, cut to what is left of the deadline."""
        r = self.remaining()
        return default if r is None else max(0.05, min(default, r))


class Subject:
    """The base of every scenario's interface: the environment, an etcd client, events."""

    scenario = None

    def __init__(self, env=None):
        self.env = env or Env()
        self.etcd = Etcd(self.env)
        #: Set it to the lease your keys are under: every answer names it (kill-lease revokes it).
        self.lease = None
        #: Set when stdin closes (the node is stopping): long calls end when it is set.
        self.stopping = threading.Event()
        self._write = threading.Lock()

    def log(self, *words):
        """A line in the node's log (stderr): stdout is the protocol's."""
        print(*words, file=sys.stderr, flush=True)

    def emit(self, event, **fields):
        """Writes an event line, e.g. self.emit("view", services={...}, revision=12)."""
        line = dict(fields)
        line["event"] = event
        if self.lease is not None and "lease" not in line:
            line["lease"] = str(self.lease)
        self._send(line)

    def _send(self, obj):
        with self._write:
            sys.stdout.write(json.dumps(obj) + "\n")
            sys.stdout.flush()

    def close(self):
        """Called once stdin closes: release what you hold. Override as needed."""


def _answer_of(result):
    if result is None:
        return ok()
    if isinstance(result, Answer):
        return result
    if isinstance(result, dict) and "ok" in result:
        return Answer(result["ok"], result.get("value"), result.get("revision"),
                      result.get("error"))
    return ok(result)


def run(cls, stdin=None):
    """Runs the call loop for an instance of `cls` until stdin closes."""
    subject = cls()
    stdin = stdin or sys.stdin
    open_calls = {}
    guard = threading.Lock()

    def answer(call, a):
        with guard:
            if open_calls.pop(call.id, None) is None:
                return  # answered already (by the deadline, or the late result)
        subject._send(a.line(call.id, subject.lease))

    def work(call, fn):
        try:
            a = _answer_of(fn(call))
        except Failed as e:
            a = failed(str(e), e.value, e.revision)
        except Unknown as e:
            a = unknown(str(e))
        except Exception as e:  # a bug or a client's exception: whether it happened is unknown
            subject.log("%s #%s raised:\n%s" % (call.name, call.id, traceback.format_exc()))
            a = unknown("%s: %s" % (type(e).__name__, e))
        answer(call, a)

    def on_deadline(call):
        answer(call, unknown("no result within the call's deadline (%s)" % call.name))

    for line in stdin:
        if not line.strip():
            continue
        try:
            msg = json.loads(line)
            call = Call(msg, subject.stopping)
        except (ValueError, KeyError) as e:
            subject.log("drills: not a call: %s (%s)" % (line.strip()[:200], e))
            continue
        fn = getattr(subject, call.name, None)
        if call.name.startswith("_") or not callable(fn) or call.name not in cls.calls():
            subject._send(failed("no call %s in %s" % (call.name, cls.__name__)).line(call.id))
            continue
        with guard:
            open_calls[call.id] = call
        if call.deadline is not None:
            t = threading.Timer(max(0.0, call.deadline - time.monotonic() - 0.2), on_deadline,
                                [call])
            t.daemon = True
            t.start()
        threading.Thread(target=work, args=(call, fn), daemon=True).start()
    subject.stopping.set()
    try:
        subject.close()
    except Exception:
        subject.log("close raised:\n%s" % traceback.format_exc())
    # Long calls answer once they see `stopping`; the node waits 2 s at most.
    end = time.monotonic() + 1.5
    while open_calls and time.monotonic() < end:
        time.sleep(0.05)


# ---------------------------------------------------------------- the scenarios' interfaces


class _Interface(Subject):
    CALLS = ()

    @classmethod
    def calls(cls):
        return cls.CALLS


class Lock(_Interface):
    """lock: acquire {prefix} (block until held; value {token}), write {key, read, to} (the
    guarded write; revision required), release {}."""
    scenario = "lock"
    CALLS = ("acquire", "write", "release")

    def acquire(self, call):
        raise NotImplementedError

    def write(self, call):
        raise NotImplementedError

    def release(self, call):
        raise NotImplementedError


class Discovery(_Interface):
    """discovery: service register {key, value} / next {} / close {}; discoverer run {prefix}
    (emit "view" events: services, revision; answer when self.stopping is set)."""
    scenario = "discovery"
    CALLS = ("register", "next", "close", "run")

    def register(self, call):
        raise NotImplementedError

    def next(self, call):
        raise NotImplementedError

    def close(self, call=None):
        """Both the protocol's `close` call and the kit's stdin-closed hook."""

    def run(self, call):
        raise NotImplementedError


class PubSub(_Interface):
    """pubsub: publish {id, key, value} (revision required); subscribe {prefix, state} (value
    {from}); poll {after, waitMs} (value {messages: [{id, key, revision}], through}); deliver
    {through} (checkpoint: ok exactly when the checkpoint moved)."""
    scenario = "pubsub"
    CALLS = ("publish", "subscribe", "poll", "deliver")

    def publish(self, call):
        raise NotImplementedError

    def subscribe(self, call):
        raise NotImplementedError

    def poll(self, call):
        raise NotImplementedError

    def deliver(self, call):
        raise NotImplementedError


class Notification(_Interface):
    """notification: wait {key, job}: emit "observe" (state, modRevision) for every state seen;
    answer ok once done."""
    scenario = "notification"
    CALLS = ("wait",)

    def wait(self, call):
        raise NotImplementedError


class Queue(_Interface):
    """queue: enqueue {prefix, id, key, value} (revision: the create's); head {prefix} (value
    {item | null}, revision the read's); claim {item}; wait {prefix, revision, waitMs}."""
    scenario = "queue"
    CALLS = ("enqueue", "head", "claim", "wait")

    def enqueue(self, call):
        raise NotImplementedError

    def head(self, call):
        raise NotImplementedError

    def claim(self, call):
        raise NotImplementedError

    def wait(self, call):
        raise NotImplementedError


class Barrier(_Interface):
    """barrier: wait {prefix, required} (value {start}, revision where it held); enter / leave
    {prefix, waiting, id, round, participants} (revision: the look that let it through)."""
    scenario = "barrier"
    CALLS = ("wait", "enter", "leave")

    def wait(self, call):
        raise NotImplementedError

    def enter(self, call):
        raise NotImplementedError

    def leave(self, call):
        raise NotImplementedError


class Election(_Interface):
    """election: campaign {prefix, identity} (value {token}); write {puts, leaderPrefix}
    (value {leader}, revision required, ok false when fenced); resign {prefix}; observe
    {prefix} (emit "leader" events; answer when self.stopping is set)."""
    scenario = "election"
    CALLS = ("campaign", "write", "resign", "observe")

    def campaign(self, call):
        raise NotImplementedError

    def write(self, call):
        raise NotImplementedError

    def resign(self, call):
        raise NotImplementedError

    def observe(self, call):
        raise NotImplementedError


class Monitoring(_Interface):
    """monitoring: run {prefix}: emit "transition" events (member, state up|down, revision,
    cause); answer when self.stopping is set."""
    scenario = "monitoring"
    CALLS = ("run",)

    def run(self, call):
        raise NotImplementedError


class LoadBalancing(_Interface):
    """load-balancing: server register {key, value} / next {} / close {}; client resolve
    {prefix}: emit "addresses" events (addrs, revision); answer when self.stopping is set."""
    scenario = "load-balancing"
    CALLS = ("register", "next", "close", "resolve")

    def register(self, call):
        raise NotImplementedError

    def next(self, call):
        raise NotImplementedError

    def close(self, call=None):
        """Both the protocol's `close` call and the kit's stdin-closed hook."""

    def resolve(self, call):
        raise NotImplementedError
