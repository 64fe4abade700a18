package main

import (
	"context"
	"log"

	"drills"

	"go.etcd.io/etcd/clientv3"
	"go.etcd.io/etcd/clientv3/concurrency"
)

// election: concurrency.Election under a session kept across terms.
// Campaign leads in create-revision order; each leader-only write is a
// transaction guarded by the leader key's create revision (Election.Rev, the
// token), reading the oldest candidate key in the same transaction; Resign;
// observers follow Election.Observe.
type election struct {
	k *drills.Kit
	s *concurrency.Session
	e *concurrency.Election
}

func (el *election) session(ctx context.Context) (*concurrency.Session, error) {
	s, err := el.k.LiveSession(ctx, el.s)
	el.s = s
	return s, err
}

func (el *election) Campaign(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Prefix, Identity string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	s, err := el.session(ctx)
	if err != nil {
		return drills.Answer{}, err
	}
	e := concurrency.NewElection(s, a.Prefix)
	if err := e.Campaign(ctx, a.Identity); err != nil {
		return drills.Answer{}, err // on a deadline Campaign resigns
	}
	el.e = e
	// Election.Header is the campaign's put, from before the wait: not where
	// this candidate leads. Leader reads where it does (or should).
	res, err := e.Leader(ctx)
	if err != nil {
		return drills.Answer{}, err
	}
	if len(res.Kvs) == 0 || res.Kvs[0].CreateRevision != e.Rev() {
		// 3.4's Campaign does not look at its own key after waiting: it may have expired meanwhile.
		log.Printf("Campaign returned, but at revision %d the leader key is not ours (%s, rev %d)",
			res.Header.Revision, e.Key(), e.Rev())
	}
	return drills.OK(map[string]interface{}{"token": e.Rev()}, res.Header.Revision), nil
}

// leaderOf reads the oldest candidate key of a transaction's range response.
func leaderOf(r *clientv3.TxnResponse) interface{} {
	rr := r.Responses[len(r.Responses)-1].GetResponseRange()
	if rr == nil || len(rr.Kvs) == 0 {
		return nil
	}
	return map[string]interface{}{"identity": string(rr.Kvs[0].Value), "createRevision": rr.Kvs[0].CreateRevision}
}

func (el *election) Write(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct {
		Puts         []struct{ Key, Value string }
		LeaderPrefix string
	}
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	look := clientv3.OpGet(a.LeaderPrefix, clientv3.WithFirstCreate()...)
	if el.e == nil {
		r, err := el.k.Client.Txn(ctx).Then(look).Commit()
		if err != nil {
			return drills.Answer{}, err
		}
		return drills.Failed("not leading", map[string]interface{}{"leader": leaderOf(r)}, r.Header.Revision), nil
	}
	ops := []clientv3.Op{}
	for _, p := range a.Puts {
		ops = append(ops, clientv3.OpPut(p.Key, p.Value))
	}
	r, err := el.k.Client.Txn(ctx).If(clientv3.Compare(clientv3.CreateRevision(el.e.Key()), "=", el.e.Rev())).
		Then(append(ops, look)...).Else(look).Commit()
	if err != nil {
		return drills.Answer{}, err
	}
	return drills.OfTxn(r, nil, map[string]interface{}{"leader": leaderOf(r)})
}

func (el *election) Resign(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	if el.e == nil {
		return drills.Failed("not campaigning", nil, 0), nil
	}
	if err := el.e.Resign(ctx); err != nil {
		return drills.Answer{}, err
	}
	var rev int64
	if h := el.e.Header(); h != nil {
		rev = h.Revision
	}
	el.e = nil
	return drills.OK(nil, rev), nil
}

func (el *election) Observe(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Prefix string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	var s *concurrency.Session
	for s == nil {
		var err error
		if s, err = el.session(ctx); err != nil {
			if !pause(ctx, 200e6) {
				return drills.OK(nil, 0), nil
			}
			s = nil
		}
	}
	for res := range concurrency.NewElection(s, a.Prefix).Observe(ctx) {
		if len(res.Kvs) == 0 {
			el.k.Emit("leader", map[string]interface{}{"leader": nil, "revision": res.Header.Revision})
			continue
		}
		kv := res.Kvs[0]
		el.k.Emit("leader", map[string]interface{}{"leader": string(kv.Value), "token": kv.CreateRevision, "revision": res.Header.Revision})
	}
	return drills.OK(nil, 0), nil
}

func (el *election) Stop(ctx context.Context) {
	if el.s != nil {
		el.s.Close()
	}
}
