// Command discovery is a discovery subject written the way a Go developer
// would write one with etcd's own client (clientv3 of etcd 3.4): a service
// registers under a concurrency.Session (a lease clientv3 keeps alive) and
// registers again when the session ends; a discoverer reads the prefix, then
// relies on clientv3's Watch (which resumes by itself across reconnects) from
// the next revision, reading again after a compaction.
//
// It speaks the discovery part of the exec line protocol
// (docs/exec-protocol.md): calls on stdin, answers and view events on stdout,
// one JSON object a line; logs on stderr.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.etcd.io/etcd/clientv3"
	"go.etcd.io/etcd/clientv3/concurrency"
	"go.etcd.io/etcd/mvcc/mvccpb"
)

// call is one line the node writes.
type call struct {
	ID   int64           `json:"id"`
	Call string          `json:"call"`
	Args json.RawMessage `json:"args"`
}

// out serializes the lines this program writes on stdout.
type out struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func (o *out) write(v interface{}) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.enc.Encode(v); err != nil {
		log.Printf("stdout: %v", err)
	}
}

// ok answers that the call happened.
func (o *out) ok(id int64, value interface{}, revision int64, lease string) {
	a := map[string]interface{}{"id": id, "ok": true}
	if value != nil {
		a["value"] = value
	}
	if revision > 0 {
		a["revision"] = revision
	}
	if lease != "" {
		a["lease"] = lease
	}
	o.write(a)
}

// fail answers that the call surely did not happen.
func (o *out) fail(id int64, err error) {
	o.write(map[string]interface{}{"id": id, "ok": false, "error": err.Error()})
}

// unknown answers without `ok`: the outcome is not known (the node records info).
func (o *out) unknown(id int64, err error) {
	o.write(map[string]interface{}{"id": id, "error": err.Error()})
}

func main() {
	log.SetFlags(log.Lmicroseconds)
	log.SetPrefix("go-discovery: ")
	ttlSeconds, err := strconv.ParseFloat(envOr("DRILLS_TTL", "2"), 64)
	if err != nil || ttlSeconds <= 0 {
		log.Fatalf("DRILLS_TTL=%q: want seconds", os.Getenv("DRILLS_TTL"))
	}
	ttl := int(math.Ceil(ttlSeconds)) // leases have whole seconds
	endpoints := strings.Split(os.Getenv("DRILLS_ENDPOINTS"), ",")
	if endpoints[0] == "" {
		log.Fatal("DRILLS_ENDPOINTS is empty: this program is started by etcd-drills")
	}
	timeout := callTimeout()
	cli, err := clientv3.New(clientv3.Config{
		Endpoints:            endpoints,
		DialTimeout:          timeout,
		DialKeepAliveTime:    2 * time.Second,
		DialKeepAliveTimeout: 2 * time.Second,
	})
	if err != nil {
		log.Fatalf("client: %v", err)
	}
	defer cli.Close()

	ctx, stop := context.WithCancel(context.Background())
	o := &out{enc: json.NewEncoder(os.Stdout)}
	s := &service{cli: cli, ttl: ttl, timeout: timeout}
	var wg sync.WaitGroup
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 64*1024), 1<<20)
	for in.Scan() {
		var c call
		if err := json.Unmarshal(in.Bytes(), &c); err != nil {
			log.Printf("not a call: %q", in.Text())
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			dispatch(ctx, o, s, cli, c)
		}()
	}
	// stdin closed: the node stops. Leave now; a service's lease then expires by itself.
	stop()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Second):
	}
}

func dispatch(ctx context.Context, o *out, s *service, cli *clientv3.Client, c call) {
	switch c.Call {
	case "register":
		var a struct{ Key, Value string }
		if err := json.Unmarshal(c.Args, &a); err != nil {
			o.fail(c.ID, fmt.Errorf("register args: %v", err))
			return
		}
		s.register(ctx, o, c.ID, a.Key, a.Value)
	case "next":
		why := s.next(ctx)
		if why != "" {
			o.ok(c.ID, map[string]string{"why": why}, 0, "")
		}
	case "close":
		s.close(o, c.ID)
	case "run":
		var a struct{ Prefix string }
		if err := json.Unmarshal(c.Args, &a); err != nil || a.Prefix == "" {
			o.fail(c.ID, fmt.Errorf("run needs a prefix"))
			return
		}
		discover(ctx, o, cli, a.Prefix)
		o.ok(c.ID, nil, 0, "")
	default:
		o.fail(c.ID, fmt.Errorf("unknown call %q", c.Call))
	}
}

// service holds one registration: a key under the lease of a session.
type service struct {
	cli     *clientv3.Client
	ttl     int
	timeout time.Duration
	mu      sync.Mutex
	session *concurrency.Session
	key     string
}

// current is the live session, if any.
func (s *service) current() *concurrency.Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.session == nil {
		return nil
	}
	select {
	case <-s.session.Done():
		return nil
	default:
		return s.session
	}
}

func (s *service) register(ctx context.Context, o *out, id int64, key, value string) {
	sess := s.current()
	if sess == nil {
		// Grant with a deadline (NewSession's own grant has none), then let the session keep it alive.
		gctx, cancel := context.WithTimeout(ctx, s.timeout)
		g, err := s.cli.Grant(gctx, int64(s.ttl))
		cancel()
		if err != nil {
			o.fail(id, fmt.Errorf("grant: %v", err))
			return
		}
		sess, err = concurrency.NewSession(s.cli, concurrency.WithLease(g.ID), concurrency.WithTTL(s.ttl))
		if err != nil {
			o.fail(id, fmt.Errorf("session: %v", err))
			return
		}
		s.mu.Lock()
		old := s.session
		s.session, s.key = sess, key
		s.mu.Unlock()
		if old != nil {
			go old.Close() // the lost one: revoke it if it is still there
		}
	}
	lease := strconv.FormatInt(int64(sess.Lease()), 10)
	pctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	res, err := s.cli.Put(pctx, key, value, clientv3.WithLease(sess.Lease()))
	if err != nil {
		o.unknown(id, fmt.Errorf("put: %v", err))
		return
	}
	o.ok(id, map[string]string{"lease": lease}, res.Header.Revision, lease)
}

// next waits until the registration is lost (the session ended); "" when stopping.
func (s *service) next(ctx context.Context) string {
	sess := s.current()
	if sess == nil {
		return "lost"
	}
	select {
	case <-sess.Done():
		return "lost"
	case <-ctx.Done():
		return ""
	}
}

func (s *service) close(o *out, id int64) {
	s.mu.Lock()
	sess := s.session
	s.session = nil
	s.mu.Unlock()
	if sess == nil {
		o.ok(id, nil, 0, "")
		return
	}
	if err := sess.Close(); err != nil { // revokes the lease: the key goes with it
		o.unknown(id, fmt.Errorf("revoke: %v", err))
		return
	}
	o.ok(id, nil, 0, "")
}

// view is one event line: the whole registry as this discoverer sees it.
type view struct {
	Event    string            `json:"event"`
	Services map[string]string `json:"services"`
	Revision int64             `json:"revision"`
}

// discover reads prefix, then watches it from the next revision, writing a
// view after the read and after each revision's events, until ctx ends.
func discover(ctx context.Context, o *out, cli *clientv3.Client, prefix string) {
	services := map[string]string{}
	var rev int64
	emit := func() {
		now := make(map[string]string, len(services))
		for k, v := range services {
			now[k] = v
		}
		o.write(view{Event: "view", Services: now, Revision: rev})
	}
	read := func() bool {
		for ctx.Err() == nil {
			gctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			res, err := cli.Get(gctx, prefix, clientv3.WithPrefix())
			cancel()
			if err != nil {
				log.Printf("read %s: %v", prefix, err)
				time.Sleep(200 * time.Millisecond)
				continue
			}
			services = map[string]string{}
			for _, kv := range res.Kvs {
				services[string(kv.Key)] = string(kv.Value)
			}
			rev = res.Header.Revision
			emit()
			return true
		}
		return false
	}
	if !read() {
		return
	}
	for ctx.Err() == nil {
		wctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
		wch := cli.Watch(wctx, prefix, clientv3.WithPrefix(), clientv3.WithRev(rev+1))
		for wr := range wch {
			if wr.CompactRevision != 0 {
				log.Printf("watch compacted at %d: reading %s again", wr.CompactRevision, prefix)
				break
			}
			if err := wr.Err(); err != nil {
				log.Printf("watch %s: %v", prefix, err)
				break
			}
			apply(wr.Events, services, &rev, emit)
		}
		cancel()
		if ctx.Err() != nil {
			return
		}
		// The watch ended (compaction, no leader, a closed stream): read again, then watch on.
		if !read() {
			return
		}
	}
}

// apply applies events in revision order, writing a view after each revision.
func apply(events []*clientv3.Event, services map[string]string, rev *int64, emit func()) {
	for i, ev := range events {
		r := ev.Kv.ModRevision
		if r <= *rev {
			continue // already in the view
		}
		if ev.Type == mvccpb.DELETE {
			delete(services, string(ev.Kv.Key))
		} else {
			services[string(ev.Kv.Key)] = string(ev.Kv.Value)
		}
		if i == len(events)-1 || events[i+1].Kv.ModRevision != r {
			*rev = r
			emit()
		}
	}
}

func callTimeout() time.Duration {
	var params struct {
		CallTimeoutMs int `json:"callTimeoutMs"`
	}
	if p := os.Getenv("DRILLS_PARAMS"); p != "" {
		_ = json.Unmarshal([]byte(p), &params)
	}
	if params.CallTimeoutMs > 0 {
		return time.Duration(params.CallTimeoutMs) * time.Millisecond
	}
	return 2 * time.Second
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
