package main

import (
	"context"
	"sort"
	"sync"

	"drills"

	"go.etcd.io/etcd/clientv3"
	"go.etcd.io/etcd/clientv3/concurrency"
)

// registration keeps one key under a concurrency.Session (a lease clientv3
// keeps alive), registering again under a new session once it ends: the
// service side of discovery and load-balancing.
type registration struct {
	k  *drills.Kit
	mu sync.Mutex
	s  *concurrency.Session
}

func (r *registration) live() *concurrency.Session {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.s == nil {
		return nil
	}
	select {
	case <-r.s.Done():
		return nil
	default:
		return r.s
	}
}

func (r *registration) Register(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Key, Value string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	s := r.live()
	if s == nil {
		var err error
		if s, err = r.k.NewSession(ctx); err != nil {
			return drills.Answer{}, err
		}
		r.mu.Lock()
		old := r.s
		r.s = s
		r.mu.Unlock()
		if old != nil {
			go old.Close() // the lost one: revoke it if it is still there
		}
	}
	res, err := r.k.Client.Put(ctx, a.Key, a.Value, clientv3.WithLease(s.Lease()))
	if err != nil {
		return drills.Answer{}, err
	}
	return drills.OK(map[string]string{"lease": itoa(int64(s.Lease()))}, res.Header.Revision), nil
}

// Next answers when the session ends (its lease is gone).
func (r *registration) Next(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	s := r.live()
	if s != nil {
		select {
		case <-s.Done():
		case <-ctx.Done():
			return drills.OK(map[string]string{"why": "stopped"}, 0), nil
		}
	}
	return drills.OK(map[string]string{"why": "lost"}, 0), nil
}

// Close revokes the session's lease: the key goes with it.
func (r *registration) Close(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	r.mu.Lock()
	s := r.s
	r.s = nil
	r.mu.Unlock()
	r.k.SetLease(0)
	if s == nil {
		return drills.OK(nil, 0), nil
	}
	if _, err := r.k.Client.Revoke(ctx, s.Lease()); err != nil {
		return drills.Answer{}, err
	}
	s.Orphan()
	return drills.OK(nil, 0), nil
}

func (r *registration) Stop(ctx context.Context) {
	if s := r.live(); s != nil {
		s.Close()
	}
}

// discovery: a registration; the discoverer's view is a mirror of the prefix.
type discovery struct{ registration }

func (d *discovery) Run(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Prefix string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	mirror(ctx, d.k.Client, a.Prefix, func(s snapshot, rev int64, _ *gap) bool {
		services := map[string]string{}
		for key, kv := range s {
			services[key] = string(kv.Value)
		}
		d.k.Emit("view", map[string]interface{}{"services": services, "revision": rev})
		return false
	})
	return drills.OK(nil, 0), nil
}

// loadBalancing: a registration; the client's resolver is a mirror of the
// registry. clientv3/naming's endpoints.Manager and resolver build offline
// with Debian's packages but do not fit: the Manager stores JSON endpoints
// ({"Op","Addr","Metadata"}) and the resolver skips every value that does not
// unmarshal, while this scenario's registry holds plain host:port values; and
// the resolver's updates carry no revision. The mirror is the watch feed the
// Manager builds on (read, then watch from the next revision).
type loadBalancing struct{ registration }

func (l *loadBalancing) Resolve(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Prefix string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	var last []string
	mirror(ctx, l.k.Client, a.Prefix, func(s snapshot, rev int64, _ *gap) bool {
		addrs := []string{}
		for _, kv := range s {
			addrs = append(addrs, string(kv.Value))
		}
		sort.Strings(addrs)
		if last == nil || !same(addrs, last) {
			last = addrs
			l.k.Emit("addresses", map[string]interface{}{"addrs": addrs, "revision": rev})
		}
		return false
	})
	return drills.OK(nil, 0), nil
}

func same(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
