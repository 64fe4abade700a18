// Package drills lets etcd-drills drill a Go program built on etcd's clientv3.
//
// It speaks the exec line protocol (docs/exec-protocol.md) so that your code
// does not have to: it reads the node's environment (DRILLS_*), builds a
// clientv3.Config from it (endpoints, TLS files, user and password), runs the
// call loop with each call's deadline as a context deadline, turns what your
// methods return into ok / false / null, writes events, and hands each call
// to one method of the scenario's interface (Lock, Queue, Election, ...).
//
//	type myLock struct{ k *drills.Kit; m *concurrency.Mutex }
//	func (l *myLock) Acquire(ctx context.Context, c *drills.Call) (drills.Answer, error) { ... }
//	func (l *myLock) Write(ctx context.Context, c *drills.Call) (drills.Answer, error)   { ... }
//	func (l *myLock) Release(ctx context.Context, c *drills.Call) (drills.Answer, error) { ... }
//	func main() { drills.Run(func(k *drills.Kit) interface{} { return &myLock{k: k} }) }
//
// Outcomes: return drills.OK(value, revision) when it happened and
// drills.Failed(why, value, revision) when it surely did not and never will.
// Any error you return is an unknown outcome ("ok": null), never false: a
// request that timed out may have been applied. Return drills.Fail(why) as
// the error (or drills.Failed as the answer) only when it surely was not.
// drills.OfTxn turns a transaction's result into an answer: an error is
// unknown, a compare that failed is false. A call still running at its
// deadline is answered null by the kit; its late result is dropped.
//
// Build it offline with Debian's packages, in GOPATH mode:
//
//	GO111MODULE=off GOPATH=$REPO/go:/usr/share/gocode go build -o mine .
package drills

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/ioutil"
	"log"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.etcd.io/etcd/clientv3"
	"go.etcd.io/etcd/clientv3/concurrency"
)

// Env is the node's environment (DRILLS_*), as docs/exec-protocol.md lists it.
type Env struct {
	Endpoints    []string
	Prefix       string
	TTL          int // lease TTL, whole seconds (at least 1)
	Node         string
	Incarnation  int
	Start        int
	Role         string
	Scenario     string
	Params       map[string]interface{}
	CallTimeout  time.Duration // params.callTimeoutMs, default 2 s: bounds one etcd request
	CACert       string
	Cert         string
	Key          string
	ServerName   string
	User         string
	PasswordFile string
}

// ReadEnv reads the environment the node gives its program.
func ReadEnv() (*Env, error) {
	e := &Env{
		Prefix:       envOr("DRILLS_PREFIX", "/"),
		Node:         envOr("DRILLS_NODE", "n0"),
		Role:         os.Getenv("DRILLS_ROLE"),
		Scenario:     os.Getenv("DRILLS_SCENARIO"),
		CACert:       os.Getenv("DRILLS_CACERT"),
		Cert:         os.Getenv("DRILLS_CERT"),
		Key:          os.Getenv("DRILLS_KEY"),
		ServerName:   os.Getenv("DRILLS_SERVER_NAME"),
		User:         os.Getenv("DRILLS_USER"),
		PasswordFile: os.Getenv("DRILLS_PASSWORD_FILE"),
		CallTimeout:  2 * time.Second,
		Params:       map[string]interface{}{},
	}
	for _, ep := range strings.Split(os.Getenv("DRILLS_ENDPOINTS"), ",") {
		if ep != "" {
			e.Endpoints = append(e.Endpoints, ep)
		}
	}
	if len(e.Endpoints) == 0 {
		return nil, errors.New("DRILLS_ENDPOINTS is empty: this program is started by etcd-drills (deno task run SCENARIO --subject 'exec:./prog')")
	}
	ttl, err := strconv.ParseFloat(envOr("DRILLS_TTL", "2"), 64)
	if err != nil || ttl <= 0 {
		return nil, fmt.Errorf("DRILLS_TTL=%q: want seconds", os.Getenv("DRILLS_TTL"))
	}
	e.TTL = int(ttl + 0.999) // leases have whole seconds
	e.Incarnation, _ = strconv.Atoi(envOr("DRILLS_INCARNATION", "1"))
	e.Start, _ = strconv.Atoi(envOr("DRILLS_START", "1"))
	if p := os.Getenv("DRILLS_PARAMS"); p != "" {
		if err := json.Unmarshal([]byte(p), &e.Params); err != nil {
			return nil, fmt.Errorf("DRILLS_PARAMS is not a JSON object: %v", err)
		}
	}
	if ms, ok := e.Params["callTimeoutMs"].(float64); ok && ms > 0 {
		e.CallTimeout = time.Duration(ms) * time.Millisecond
	}
	return e, nil
}

// Identity is this program's name among the others: node#incarnation.start.
func (e *Env) Identity() string {
	return fmt.Sprintf("%s#%d.%d", e.Node, e.Incarnation, e.Start)
}

// Config is a clientv3.Config for the node's endpoints, with TLS and the user
// when the environment names them. Requests have no deadline of their own:
// bound each with the call's context.
func (e *Env) Config() (clientv3.Config, error) {
	cfg := clientv3.Config{
		Endpoints:            e.Endpoints,
		DialTimeout:          e.CallTimeout,
		DialKeepAliveTime:    2 * time.Second,
		DialKeepAliveTimeout: 2 * time.Second,
	}
	if e.CACert != "" || e.Cert != "" {
		t := &tls.Config{ServerName: e.ServerName}
		if e.CACert != "" {
			pem, err := ioutil.ReadFile(e.CACert)
			if err != nil {
				return cfg, fmt.Errorf("DRILLS_CACERT: %v", err)
			}
			t.RootCAs = x509.NewCertPool()
			if !t.RootCAs.AppendCertsFromPEM(pem) {
				return cfg, fmt.Errorf("DRILLS_CACERT %s holds no PEM certificate", e.CACert)
			}
		}
		if e.Cert != "" {
			pair, err := tls.LoadX509KeyPair(e.Cert, e.Key)
			if err != nil {
				return cfg, fmt.Errorf("DRILLS_CERT/DRILLS_KEY: %v", err)
			}
			t.Certificates = []tls.Certificate{pair}
		}
		cfg.TLS = t
	}
	if e.User != "" {
		b, err := ioutil.ReadFile(e.PasswordFile)
		if err != nil {
			return cfg, fmt.Errorf("DRILLS_PASSWORD_FILE: %v", err)
		}
		cfg.Username = e.User
		cfg.Password = strings.SplitN(strings.TrimRight(string(b), "\r\n"), "\n", 2)[0]
	}
	return cfg, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// Answer is what a call answers: OK true (it happened), false (it surely did
// not) or nil (unknown), with a value, a revision and an error where known.
type Answer struct {
	OK       *bool
	Value    interface{}
	Revision int64
	Error    string
}

var yes, no = true, false

// OK answers that it happened (revision 0: none).
func OK(value interface{}, revision int64) Answer {
	return Answer{OK: &yes, Value: value, Revision: revision}
}

// Failed answers that it surely did not happen and never will.
func Failed(why string, value interface{}, revision int64) Answer {
	return Answer{OK: &no, Value: value, Revision: revision, Error: why}
}

// Unknown answers that the outcome cannot be known.
func Unknown(err error) Answer {
	return Answer{Error: err.Error()}
}

// FailError is an error that means "surely did not happen": returned by a
// method, it is answered "ok": false. Every other error is unknown.
type FailError struct{ Why string }

func (f *FailError) Error() string { return f.Why }

// Fail is the error for an outcome that surely did not happen.
func Fail(format string, args ...interface{}) error {
	return &FailError{Why: fmt.Sprintf(format, args...)}
}

// OfTxn turns a transaction's result into an answer: an error (a deadline, an
// unavailable member) is unknown, a compare that failed is false, else ok at
// the transaction's revision. value goes with ok and false alike.
func OfTxn(res *clientv3.TxnResponse, err error, value interface{}) (Answer, error) {
	if err != nil {
		return Answer{}, err
	}
	if !res.Succeeded {
		return Failed("compare failed", value, res.Header.Revision), nil
	}
	return OK(value, res.Header.Revision), nil
}

// Call is one call of the node.
type Call struct {
	ID       int64           `json:"id"`
	Name     string          `json:"call"`
	Args     json.RawMessage `json:"args"`
	Deadline time.Time       `json:"-"` // zero: none
}

// Decode reads the call's args into v.
func (c *Call) Decode(v interface{}) error {
	if len(c.Args) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.Args, v); err != nil {
		return Fail("%s: bad args: %v", c.Name, err)
	}
	return nil
}

// Method is what every method of a scenario's interface looks like: ctx ends
// at the call's deadline (less a margin) or when the node stops.
type Method func(ctx context.Context, c *Call) (Answer, error)

// The scenarios' interfaces: one method per call of the scenario's table in
// docs/exec-protocol.md. Calls without a deadline (Run, Observe, Resolve, the
// waits) end when ctx ends (the node stops).
type (
	// Lock: acquire {prefix} (value {token}), write {key, read, to}, release {}.
	Lock interface {
		Acquire(context.Context, *Call) (Answer, error)
		Write(context.Context, *Call) (Answer, error)
		Release(context.Context, *Call) (Answer, error)
	}
	// Discovery: service register {key, value} / next {} / close {}; discoverer run {prefix} (events "view").
	Discovery interface {
		Register(context.Context, *Call) (Answer, error)
		Next(context.Context, *Call) (Answer, error)
		Close(context.Context, *Call) (Answer, error)
		Run(context.Context, *Call) (Answer, error)
	}
	// PubSub: publish, subscribe, poll, deliver.
	PubSub interface {
		Publish(context.Context, *Call) (Answer, error)
		Subscribe(context.Context, *Call) (Answer, error)
		Poll(context.Context, *Call) (Answer, error)
		Deliver(context.Context, *Call) (Answer, error)
	}
	// Notification: wait {key, job} (events "observe").
	Notification interface {
		Wait(context.Context, *Call) (Answer, error)
	}
	// Queue: enqueue, head, claim, wait.
	Queue interface {
		Enqueue(context.Context, *Call) (Answer, error)
		Head(context.Context, *Call) (Answer, error)
		Claim(context.Context, *Call) (Answer, error)
		Wait(context.Context, *Call) (Answer, error)
	}
	// Barrier: wait (waiter), enter and leave (participant).
	Barrier interface {
		Wait(context.Context, *Call) (Answer, error)
		Enter(context.Context, *Call) (Answer, error)
		Leave(context.Context, *Call) (Answer, error)
	}
	// Election: campaign, write, resign (candidate); observe (observer, events "leader").
	Election interface {
		Campaign(context.Context, *Call) (Answer, error)
		Write(context.Context, *Call) (Answer, error)
		Resign(context.Context, *Call) (Answer, error)
		Observe(context.Context, *Call) (Answer, error)
	}
	// Monitoring: run {prefix} (events "transition").
	Monitoring interface {
		Run(context.Context, *Call) (Answer, error)
	}
	// LoadBalancing: server register / next / close; client resolve {prefix} (events "addresses").
	LoadBalancing interface {
		Register(context.Context, *Call) (Answer, error)
		Next(context.Context, *Call) (Answer, error)
		Close(context.Context, *Call) (Answer, error)
		Resolve(context.Context, *Call) (Answer, error)
	}
	// Stopper is optional: Stop is called once stdin closes, to release what the subject holds.
	Stopper interface {
		Stop(context.Context)
	}
)

// Methods maps the calls of scenario to the methods of subject, or says
// which interface subject lacks.
func Methods(scenario string, subject interface{}) (map[string]Method, error) {
	bad := func(want string) error {
		return fmt.Errorf("scenario %s wants a drills.%s; %T is not one", scenario, want, subject)
	}
	switch scenario {
	case "lock":
		s, ok := subject.(Lock)
		if !ok {
			return nil, bad("Lock")
		}
		return map[string]Method{"acquire": s.Acquire, "write": s.Write, "release": s.Release}, nil
	case "discovery":
		s, ok := subject.(Discovery)
		if !ok {
			return nil, bad("Discovery")
		}
		return map[string]Method{"register": s.Register, "next": s.Next, "close": s.Close, "run": s.Run}, nil
	case "pubsub":
		s, ok := subject.(PubSub)
		if !ok {
			return nil, bad("PubSub")
		}
		return map[string]Method{"publish": s.Publish, "subscribe": s.Subscribe, "poll": s.Poll, "deliver": s.Deliver}, nil
	case "notification":
		s, ok := subject.(Notification)
		if !ok {
			return nil, bad("Notification")
		}
		return map[string]Method{"wait": s.Wait}, nil
	case "queue":
		s, ok := subject.(Queue)
		if !ok {
			return nil, bad("Queue")
		}
		return map[string]Method{"enqueue": s.Enqueue, "head": s.Head, "claim": s.Claim, "wait": s.Wait}, nil
	case "barrier":
		s, ok := subject.(Barrier)
		if !ok {
			return nil, bad("Barrier")
		}
		return map[string]Method{"wait": s.Wait, "enter": s.Enter, "leave": s.Leave}, nil
	case "election":
		s, ok := subject.(Election)
		if !ok {
			return nil, bad("Election")
		}
		return map[string]Method{"campaign": s.Campaign, "write": s.Write, "resign": s.Resign, "observe": s.Observe}, nil
	case "monitoring":
		s, ok := subject.(Monitoring)
		if !ok {
			return nil, bad("Monitoring")
		}
		return map[string]Method{"run": s.Run}, nil
	case "load-balancing":
		s, ok := subject.(LoadBalancing)
		if !ok {
			return nil, bad("LoadBalancing")
		}
		return map[string]Method{"register": s.Register, "next": s.Next, "close": s.Close, "resolve": s.Resolve}, nil
	}
	return nil, fmt.Errorf("no scenario %q (DRILLS_SCENARIO): want lock, discovery, pubsub, notification, queue, barrier, election, monitoring or load-balancing", scenario)
}

// Kit is what a subject gets: the environment, a connected client, events.
type Kit struct {
	Env    *Env
	Client *clientv3.Client
	// Stopping is done once stdin closes (the node stops).
	Stopping context.Context

	mu    sync.Mutex
	out   io.Writer
	lease string
	stop  context.CancelFunc
}

// SetLease names the lease the subject's keys are under now (0: none): every
// answer and event carries it, and kill-lease revokes it.
func (k *Kit) SetLease(id clientv3.LeaseID) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.lease = ""
	if id != 0 {
		k.lease = strconv.FormatInt(int64(id), 10)
	}
}

// Emit writes an event line, e.g. k.Emit("view", map[string]interface{}{"services": s, "revision": 12}).
func (k *Kit) Emit(event string, fields map[string]interface{}) {
	line := map[string]interface{}{"event": event}
	for f, v := range fields {
		line[f] = v
	}
	k.mu.Lock()
	if _, named := line["lease"]; !named && k.lease != "" {
		line["lease"] = k.lease
	}
	k.mu.Unlock()
	k.send(line)
}

func (k *Kit) send(v interface{}) {
	b, err := json.Marshal(v)
	if err != nil {
		log.Printf("drills: cannot write %#v: %v", v, err)
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.out.Write(append(b, '\n'))
}

func (k *Kit) answer(id int64, a Answer) {
	line := map[string]interface{}{"id": id, "ok": a.OK}
	if a.Value != nil {
		line["value"] = a.Value
	}
	if a.Revision > 0 {
		line["revision"] = a.Revision
	}
	if a.Error != "" {
		line["error"] = a.Error
	}
	k.mu.Lock()
	if k.lease != "" {
		line["lease"] = k.lease
	}
	k.mu.Unlock()
	k.send(line)
}

// NewSession is a concurrency.Session whose grant is bounded by ctx (the
// session then keeps its lease alive on its own), and names it with SetLease.
func (k *Kit) NewSession(ctx context.Context) (*concurrency.Session, error) {
	g, err := k.Client.Grant(ctx, int64(k.Env.TTL))
	if err != nil {
		return nil, err
	}
	s, err := concurrency.NewSession(k.Client, concurrency.WithLease(g.ID), concurrency.WithTTL(k.Env.TTL))
	if err != nil {
		return nil, err
	}
	k.SetLease(g.ID)
	return s, nil
}

// LiveSession returns s while its lease is alive, else a new session (NewSession): what a
// subject that holds a lock or a campaign across calls keeps its session with.
func (k *Kit) LiveSession(ctx context.Context, s *concurrency.Session) (*concurrency.Session, error) {
	if s != nil {
		select {
		case <-s.Done():
		default:
			return s, nil
		}
	}
	return k.NewSession(ctx)
}

// margin is how long before a call's deadline its context ends, so the answer still arrives in time.
const margin = 300 * time.Millisecond

// Run reads the environment, connects, asks newSubject for the subject of
// DRILLS_SCENARIO and serves calls from stdin until it closes. It does not
// return; it exits 2 when the program cannot run (it says why on stderr).
func Run(newSubject func(k *Kit) interface{}) {
	log.SetFlags(log.Lmicroseconds)
	env, err := ReadEnv()
	if err != nil {
		log.Printf("drills: %v", err)
		os.Exit(2)
	}
	log.SetPrefix(fmt.Sprintf("%s %s: ", env.Scenario, env.Identity()))
	cfg, err := env.Config()
	if err != nil {
		log.Printf("drills: %v", err)
		os.Exit(2)
	}
	cli, err := clientv3.New(cfg)
	if err != nil {
		log.Printf("drills: client: %v", err)
		os.Exit(2)
	}
	stopping, stop := context.WithCancel(context.Background())
	k := &Kit{Env: env, Client: cli, Stopping: stopping, out: os.Stdout, stop: stop}
	subject := newSubject(k)
	methods, err := Methods(env.Scenario, subject)
	if err != nil {
		log.Printf("drills: %v", err)
		os.Exit(2)
	}
	serve(k, methods, os.Stdin)
	stop()
	if s, ok := subject.(Stopper); ok {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		s.Stop(ctx)
		cancel()
	}
	cli.Close()
	os.Exit(0)
}

// serve runs the call loop: each call in its own goroutine, answered once
// (by its method, or null at its deadline), until in closes; then it waits
// up to 1.5 s for calls still open.
func serve(k *Kit, methods map[string]Method, in io.Reader) {
	var (
		mu   sync.Mutex
		open = map[int64]bool{}
		wg   sync.WaitGroup
	)
	once := func(id int64, a Answer) {
		mu.Lock()
		first := open[id]
		delete(open, id)
		mu.Unlock()
		if first {
			k.answer(id, a)
		}
	}
	lines := bufio.NewScanner(in)
	lines.Buffer(make([]byte, 64*1024), 4<<20)
	for lines.Scan() {
		var msg struct {
			Call
			DeadlineMs *float64 `json:"deadlineMs"`
		}
		if err := json.Unmarshal(lines.Bytes(), &msg); err != nil || msg.Name == "" {
			log.Printf("drills: not a call: %.200q", lines.Text())
			continue
		}
		c := msg.Call
		m, ok := methods[c.Name]
		if !ok {
			k.answer(c.ID, Failed(fmt.Sprintf("no call %q in scenario %s", c.Name, k.Env.Scenario), nil, 0))
			continue
		}
		ctx, cancel := context.WithCancel(k.Stopping)
		if msg.DeadlineMs != nil {
			c.Deadline = time.Now().Add(time.Duration(*msg.DeadlineMs) * time.Millisecond)
			ctx, cancel = context.WithDeadline(k.Stopping, c.Deadline.Add(-margin))
			id, name := c.ID, c.Name
			time.AfterFunc(time.Until(c.Deadline.Add(-margin/2)), func() {
				once(id, Unknown(fmt.Errorf("no result within the call's deadline (%s)", name)))
			})
		}
		mu.Lock()
		open[c.ID] = true
		mu.Unlock()
		wg.Add(1)
		go func(c Call) {
			defer wg.Done()
			defer cancel()
			once(c.ID, invoke(m, ctx, &c))
		}(c)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	k.stop()
	select {
	case <-done:
	case <-time.After(1500 * time.Millisecond):
	}
}

// invoke runs one method and turns what it returned (or a panic) into an answer.
func invoke(m Method, ctx context.Context, c *Call) (a Answer) {
	defer func() {
		if r := recover(); r != nil {
			log.Printf("drills: %s #%d panicked: %v", c.Name, c.ID, r)
			a = Unknown(fmt.Errorf("%s panicked: %v", c.Name, r))
		}
	}()
	a, err := m(ctx, c)
	if err == nil {
		if a.OK == nil && a.Error == "" && a.Value == nil && a.Revision == 0 {
			return OK(nil, 0) // a zero Answer: ok, with nothing to say
		}
		return a
	}
	var f *FailError
	if errors.As(err, &f) {
		return Failed(f.Why, a.Value, a.Revision)
	}
	// A deadline, an unavailable member, a lost connection: it may have happened.
	return Unknown(err)
}

// ValueID is the "id" of an item or message value written as {"id": ...} (the queue's and pubsub's
// values), else the value itself.
func ValueID(value []byte) string {
	var v struct{ ID interface{} }
	if json.Unmarshal(value, &v) == nil && v.ID != nil {
		if s, ok := v.ID.(string); ok {
			return s
		}
		b, _ := json.Marshal(v.ID)
		return string(b)
	}
	return string(value)
}
