package main

import (
	"context"
	"fmt"
	"sync"

	"drills"

	"go.etcd.io/etcd/clientv3"
	"go.etcd.io/etcd/clientv3/concurrency"
	"go.etcd.io/etcd/mvcc/mvccpb"
)

// barrier: the waiter judges the condition at every revision of a mirror of
// the condition keys (contrib/recipes' Barrier only waits for one key's
// deletion, which is not this condition); participants follow contrib/recipes'
// DoubleBarrier step by step (a leased key each, the last one in puts
// `ready`; leaving, the lowest waits for the highest to go, the others
// delete theirs and wait for the lowest), with the own key the scenario
// names (W + id; the recipe's Enter would make its own unique key).
type barrier struct {
	k  *drills.Kit
	mu sync.Mutex
	s  *concurrency.Session
}

func (b *barrier) Wait(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct {
		Prefix   string
		Required map[string]string
	}
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	var start, at int64
	gaps := []map[string]int64{}
	mirror(ctx, b.k.Client, a.Prefix, func(s snapshot, rev int64, g *gap) bool {
		if start == 0 {
			start = rev
		}
		if g != nil {
			gaps = append(gaps, map[string]int64{"after": g.After, "resumedAt": g.ResumedAt})
		}
		for name, want := range a.Required {
			kv := s[a.Prefix+name]
			if kv == nil || string(kv.Value) != want {
				return false
			}
		}
		at = rev
		return true
	})
	if at == 0 {
		return drills.Answer{}, drills.Fail("stopped before the condition held")
	}
	return drills.OK(map[string]interface{}{"start": start, "gaps": gaps}, at), nil
}

type round struct {
	Prefix, Waiting, ID string
	Participants        int
}

func (b *barrier) session(ctx context.Context) (*concurrency.Session, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.s != nil {
		select {
		case <-b.s.Done():
		default:
			return b.s, nil
		}
	}
	s, err := b.k.NewSession(ctx)
	b.s = s
	return s, err
}

func (b *barrier) Enter(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a round
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	s, err := b.session(ctx)
	if err != nil {
		return drills.Answer{}, err
	}
	cli := b.k.Client
	put, err := cli.Put(ctx, a.Waiting+a.ID, b.k.Env.Identity(), clientv3.WithLease(s.Lease()))
	if err != nil {
		return drills.Answer{}, err
	}
	res, err := cli.Get(ctx, a.Waiting, clientv3.WithPrefix())
	if err != nil {
		return drills.Answer{}, err
	}
	if len(res.Kvs) >= a.Participants {
		r, err := cli.Put(ctx, a.Prefix+"ready", "")
		if err != nil {
			return drills.Answer{}, err
		}
		return drills.OK(nil, r.Header.Revision), nil
	}
	ev, err := waitFor(ctx, cli, a.Prefix+"ready", put.Header.Revision, mvccpb.PUT)
	if err != nil {
		return drills.Answer{}, err
	}
	return drills.OK(nil, ev.Kv.ModRevision), nil
}

func (b *barrier) Leave(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a round
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	cli, mine := b.k.Client, a.Waiting+a.ID
	for {
		res, err := cli.Get(ctx, a.Waiting, clientv3.WithPrefix())
		if err != nil {
			return drills.Answer{}, err
		}
		if len(res.Kvs) == 0 {
			return drills.OK(nil, res.Header.Revision), nil
		}
		lowest, highest := res.Kvs[0], res.Kvs[0]
		for _, kv := range res.Kvs {
			if kv.ModRevision < lowest.ModRevision {
				lowest = kv
			}
			if kv.ModRevision > highest.ModRevision {
				highest = kv
			}
		}
		if len(res.Kvs) == 1 && string(lowest.Key) == mine {
			if _, err := cli.Delete(ctx, a.Prefix+"ready"); err != nil {
				return drills.Answer{}, err
			}
			d, err := cli.Delete(ctx, mine)
			if err != nil {
				return drills.Answer{}, err
			}
			return drills.OK(nil, d.Header.Revision), nil
		}
		wait := lowest
		if string(lowest.Key) == mine {
			wait = highest
		} else if _, err := cli.Delete(ctx, mine); err != nil {
			return drills.Answer{}, err
		}
		if _, err := waitFor(ctx, cli, string(wait.Key), wait.ModRevision, mvccpb.DELETE); err != nil {
			return drills.Answer{}, err
		}
	}
}

// waitFor is contrib/recipes' WaitEvents with a context: the first event of
// type t on key from revision rev on.
func waitFor(ctx context.Context, cli *clientv3.Client, key string, rev int64, t mvccpb.Event_EventType) (*clientv3.Event, error) {
	wctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	defer cancel()
	for wr := range cli.Watch(wctx, key, clientv3.WithRev(rev)) {
		if err := wr.Err(); err != nil {
			return nil, err
		}
		for _, ev := range wr.Events {
			if ev.Type == t {
				return ev, nil
			}
		}
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, fmt.Errorf("watch of %s ended", key)
}

func (b *barrier) Stop(ctx context.Context) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.s != nil {
		b.s.Close()
	}
}
