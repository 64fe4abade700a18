package main

import (
	"context"

	"drills"

	"go.etcd.io/etcd/clientv3"
	recipe "go.etcd.io/etcd/contrib/recipes"
	"go.etcd.io/etcd/mvcc/mvccpb"
)

// queue takes contrib/recipes' Queue apart into the protocol's calls, step by
// step as Queue.Dequeue does them: enqueue creates the key if absent (its
// putNewKV), head reads the prefix WithFirstRev (oldest create revision),
// claim deletes the key guarded on the mod revision read (its deleteRevKey),
// wait is its WaitPrefixEvents for a PUT after the read. (recipe.Queue
// itself names its own keys, answers no revision and takes no context.)
type queue struct{ k *drills.Kit }

func (q *queue) Enqueue(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ ID, Key, Value string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	res, err := q.k.Client.Txn(ctx).If(clientv3.Compare(clientv3.ModRevision(a.Key), "=", 0)).
		Then(clientv3.OpPut(a.Key, a.Value)).Commit()
	return drills.OfTxn(res, err, map[string]string{"id": a.ID, "key": a.Key})
}

func (q *queue) Head(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Prefix string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	res, err := q.k.Client.Get(ctx, a.Prefix, clientv3.WithFirstRev()...)
	if err != nil {
		return drills.Answer{}, err
	}
	if len(res.Kvs) == 0 {
		return drills.OK(map[string]interface{}{"item": nil}, res.Header.Revision), nil
	}
	kv := res.Kvs[0]
	item := map[string]interface{}{"id": drills.ValueID(kv.Value), "key": string(kv.Key),
		"createRevision": kv.CreateRevision, "modRevision": kv.ModRevision}
	return drills.OK(map[string]interface{}{"item": item}, res.Header.Revision), nil
}

func (q *queue) Claim(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct {
		Item struct {
			Key         string
			ModRevision int64
		}
	}
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	res, err := q.k.Client.Txn(ctx).If(clientv3.Compare(clientv3.ModRevision(a.Item.Key), "=", a.Item.ModRevision)).
		Then(clientv3.OpDelete(a.Item.Key)).Commit()
	return drills.OfTxn(res, err, nil)
}

func (q *queue) Wait(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct {
		Prefix   string
		Revision int64
	}
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	done := make(chan struct{})
	go func() {
		// The recipe's wait has no context: it ends with the next PUT (or the client).
		recipe.WaitPrefixEvents(q.k.Client, a.Prefix, a.Revision+1, []mvccpb.Event_EventType{mvccpb.PUT})
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done(): // waitMs is up; the consumer looks again either way
	}
	return drills.OK(nil, 0), nil
}
