package main

import (
	"context"
	"strconv"
	"time"

	"drills"

	"go.etcd.io/etcd/clientv3"
	"go.etcd.io/etcd/clientv3/concurrency"
)

// queue is the write-up's FIFO queue: a plain put, a Get WithFirstRev +
// WithPrefix + WithLimit(1), then a plain delete of the key read (two
// consumers that read the same head both take it).
type queue struct{ k *drills.Kit }

func (q *queue) Enqueue(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ ID, Key, Value string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	res, err := q.k.Client.Put(ctx, a.Key, a.Value)
	if err != nil {
		return drills.Answer{}, err
	}
	return drills.OK(map[string]string{"id": a.ID, "key": a.Key}, res.Header.Revision), nil
}

func (q *queue) Head(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Prefix string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	ops := append(clientv3.WithFirstRev(), clientv3.WithPrefix(), clientv3.WithLimit(1))
	res, err := q.k.Client.Get(ctx, a.Prefix, ops...)
	if err != nil {
		return drills.Answer{}, err
	}
	if res.Count == 0 || len(res.Kvs) == 0 {
		return drills.OK(map[string]interface{}{"item": nil}, res.Header.Revision), nil
	}
	kv := res.Kvs[0]
	item := map[string]interface{}{"id": drills.ValueID(kv.Value), "key": string(kv.Key),
		"createRevision": kv.CreateRevision, "modRevision": kv.ModRevision}
	return drills.OK(map[string]interface{}{"item": item}, res.Header.Revision), nil
}

func (q *queue) Claim(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Item struct{ Key string } }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	res, err := q.k.Client.Delete(ctx, a.Item.Key)
	if err != nil {
		return drills.Answer{}, err
	}
	return drills.OK(nil, res.Header.Revision), nil
}

// Wait: the write-up pops in a loop; a short pause between looks.
func (q *queue) Wait(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	pause(ctx, 100*time.Millisecond)
	return drills.OK(nil, 0), nil
}

// barrier is the write-up's condition queue: watch the prefix from now and,
// on every watch response, read the keys again and decide on that read.
// Participants put their key and wait, the same way, until all keys exist,
// and leave by deleting theirs and waiting until none is left.
type barrier struct{ k *drills.Kit }

func (b *barrier) Wait(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct {
		Prefix   string
		Required map[string]string
	}
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	var start int64
	for wr := range b.k.Client.Watch(ctx, a.Prefix, clientv3.WithPrefix()) {
		if wr.Err() != nil {
			continue
		}
		res, err := b.k.Client.Get(ctx, a.Prefix, clientv3.WithPrefix())
		if err != nil {
			continue
		}
		if start == 0 {
			start = res.Header.Revision
		}
		values := map[string]string{}
		for _, kv := range res.Kvs {
			values[string(kv.Key)[len(a.Prefix):]] = string(kv.Value)
		}
		held := true
		for name, want := range a.Required {
			held = held && values[name] == want
		}
		if held {
			return drills.OK(map[string]interface{}{"start": start, "gaps": []interface{}{}}, res.Header.Revision), nil
		}
	}
	return drills.Answer{}, drills.Fail("stopped before the condition held")
}

type round struct {
	Waiting, ID  string
	Participants int
}

func (b *barrier) Enter(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a round
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	if _, err := b.k.Client.Put(ctx, a.Waiting+a.ID, b.k.Env.Identity()); err != nil {
		return drills.Answer{}, err
	}
	return b.until(ctx, a.Waiting, func(n int) bool { return n >= a.Participants })
}

func (b *barrier) Leave(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a round
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	if _, err := b.k.Client.Delete(ctx, a.Waiting+a.ID); err != nil {
		return drills.Answer{}, err
	}
	return b.until(ctx, a.Waiting, func(n int) bool { return n == 0 })
}

// until reads how many keys are below prefix and, until enough, watches it from now for a change.
func (b *barrier) until(ctx context.Context, prefix string, enough func(int) bool) (drills.Answer, error) {
	for {
		res, err := b.k.Client.Get(ctx, prefix, clientv3.WithPrefix(), clientv3.WithCountOnly())
		if err != nil {
			return drills.Answer{}, err
		}
		if enough(int(res.Count)) {
			return drills.OK(nil, res.Header.Revision), nil
		}
		wctx, cancel := context.WithCancel(ctx)
		<-b.k.Client.Watch(wctx, prefix, clientv3.WithPrefix())
		cancel()
		if ctx.Err() != nil {
			return drills.Answer{}, ctx.Err()
		}
	}
}

// lock is the lock the write-up points to: clientv3's concurrency.Mutex;
// the write to the resource is a plain put (no fencing token).
type lock struct {
	k *drills.Kit
	s *concurrency.Session
	m *concurrency.Mutex
}

func (l *lock) session(ctx context.Context) (*concurrency.Session, error) {
	s, err := l.k.LiveSession(ctx, l.s)
	l.s = s
	return s, err
}

func (l *lock) Acquire(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Prefix string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	s, err := l.session(ctx)
	if err != nil {
		return drills.Answer{}, err
	}
	m := concurrency.NewMutex(s, a.Prefix)
	if err := m.Lock(ctx); err != nil {
		return drills.Answer{}, err
	}
	l.m = m
	return drills.OK(nil, m.Header().Revision), nil
}

func (l *lock) Write(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct {
		Key string
		To  int64
	}
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	res, err := l.k.Client.Put(ctx, a.Key, itoa(a.To))
	if err != nil {
		return drills.Answer{}, err
	}
	return drills.OK(nil, res.Header.Revision), nil
}

func (l *lock) Release(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	if l.m != nil {
		if err := l.m.Unlock(ctx); err != nil {
			return drills.Answer{}, err
		}
		l.m = nil
	}
	return drills.OK(nil, 0), nil
}

func (l *lock) Stop(ctx context.Context) {
	if l.s != nil {
		l.s.Close()
	}
}

// election is the write-up's "use the distributed lock to elect a leader":
// whoever holds a concurrency.Mutex on the election prefix leads; its
// writes are not guarded; an observer reads the first key after every
// watch event.
type election struct {
	lock
}

func (e *election) Campaign(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Prefix, Identity string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	s, err := e.session(ctx)
	if err != nil {
		return drills.Answer{}, err
	}
	m := concurrency.NewMutex(s, a.Prefix)
	if err := m.Lock(ctx); err != nil {
		return drills.Answer{}, err
	}
	// The Mutex's key has no value: name the leader in it.
	if _, err := e.k.Client.Put(ctx, m.Key(), a.Identity, clientv3.WithLease(s.Lease())); err != nil {
		return drills.Answer{}, err
	}
	e.m = m
	return drills.OK(nil, m.Header().Revision), nil
}

func (e *election) Write(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct {
		Puts         []struct{ Key, Value string }
		LeaderPrefix string
	}
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	ops := []clientv3.Op{}
	for _, p := range a.Puts {
		ops = append(ops, clientv3.OpPut(p.Key, p.Value))
	}
	ops = append(ops, clientv3.OpGet(a.LeaderPrefix, clientv3.WithFirstCreate()...))
	r, err := e.k.Client.Txn(ctx).Then(ops...).Commit()
	if err != nil {
		return drills.Answer{}, err
	}
	var leader interface{}
	if kvs := r.Responses[len(r.Responses)-1].GetResponseRange().Kvs; len(kvs) > 0 {
		leader = map[string]interface{}{"identity": string(kvs[0].Value), "createRevision": kvs[0].CreateRevision}
	}
	return drills.OK(map[string]interface{}{"leader": leader}, r.Header.Revision), nil
}

func (e *election) Resign(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	return e.Release(ctx, c)
}

func (e *election) Observe(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Prefix string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	last := "?"
	look := func() {
		res, err := e.k.Client.Get(ctx, a.Prefix, clientv3.WithFirstCreate()...)
		if err != nil {
			return
		}
		now, fields := "", map[string]interface{}{"leader": nil, "revision": res.Header.Revision}
		if len(res.Kvs) > 0 {
			now = string(res.Kvs[0].Value)
			fields["leader"], fields["token"] = now, res.Kvs[0].CreateRevision
		}
		if now != last {
			last = now
			e.k.Emit("leader", fields)
		}
	}
	look()
	for range e.k.Client.Watch(ctx, a.Prefix, clientv3.WithPrefix()) {
		look()
	}
	return drills.OK(nil, 0), nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
