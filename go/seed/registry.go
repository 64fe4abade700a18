package main

import (
	"context"
	"sort"
	"strconv"
	"time"

	"drills"

	"go.etcd.io/etcd/clientv3"
	"go.etcd.io/etcd/mvcc/mvccpb"
)

// registry is the write-up's Register: on every tick it grants a fresh
// lease and puts the key under it (the old leases are never revoked, they
// run out), and Unregister deletes the key.
type registry struct {
	k   *drills.Kit
	key string
}

func (r *registry) Register(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Key, Value string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	g, err := r.k.Client.Grant(ctx, int64(r.k.Env.TTL))
	if err != nil {
		return drills.Answer{}, err
	}
	r.k.SetLease(g.ID)
	res, err := r.k.Client.Put(ctx, a.Key, a.Value, clientv3.WithLease(g.ID))
	if err != nil {
		return drills.Answer{}, err
	}
	r.key = a.Key
	return drills.OK(map[string]string{"lease": strconv.FormatInt(int64(g.ID), 10)}, res.Header.Revision), nil
}

// Next is the ticker: a third of the TTL.
func (r *registry) Next(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	pause(ctx, time.Duration(r.k.Env.TTL)*time.Second/3)
	return drills.OK(map[string]string{"why": "refresh tick"}, 0), nil
}

// Close is Unregister: delete the key (the lease stays until it runs out).
func (r *registry) Close(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	if r.key == "" {
		return drills.OK(nil, 0), nil
	}
	if _, err := r.k.Client.Delete(ctx, r.key); err != nil {
		return drills.Answer{}, err
	}
	return drills.OK(nil, 0), nil
}

// discovery: the registry; the watcher watches the prefix from now and acts
// on creates (adding the service) and deletes (dropping the key).
type discovery struct{ registry }

func (d *discovery) Run(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Prefix string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	services := map[string]string{}
	for wr := range d.k.Client.Watch(ctx, a.Prefix, clientv3.WithPrefix()) {
		for _, ev := range wr.Events {
			switch {
			case ev.Type == mvccpb.PUT && ev.IsCreate():
				services[string(ev.Kv.Key)] = string(ev.Kv.Value)
			case ev.Type == mvccpb.DELETE:
				delete(services, string(ev.Kv.Key))
			default:
				continue
			}
			view := map[string]string{}
			for k, v := range services {
				view[k] = v
			}
			d.k.Emit("view", map[string]interface{}{"services": view, "revision": ev.Kv.ModRevision})
		}
	}
	return drills.OK(nil, 0), nil
}

// loadBalancing: the registry; the resolver reads the addresses once, then
// watches from now: a put adds its value, a delete removes the event's value
// (empty on a delete: the dead address stays).
type loadBalancing struct{ registry }

func (l *loadBalancing) Resolve(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Prefix string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	addrs := map[string]bool{}
	emit := func(rev int64) {
		list := []string{}
		for addr := range addrs {
			list = append(list, addr)
		}
		sort.Strings(list)
		l.k.Emit("addresses", map[string]interface{}{"addrs": list, "revision": rev})
	}
	if res, err := l.k.Client.Get(ctx, a.Prefix, clientv3.WithPrefix()); err == nil {
		for _, kv := range res.Kvs {
			addrs[string(kv.Value)] = true
		}
		emit(res.Header.Revision)
	}
	for wr := range l.k.Client.Watch(ctx, a.Prefix, clientv3.WithPrefix()) {
		for _, ev := range wr.Events {
			if ev.Type == mvccpb.PUT {
				addrs[string(ev.Kv.Value)] = true
			} else {
				delete(addrs, string(ev.Kv.Value))
			}
			emit(ev.Kv.ModRevision)
		}
	}
	return drills.OK(nil, 0), nil
}

// pause sleeps d or until ctx ends.
func pause(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
