package main

import (
	"context"
	"time"

	"drills"

	"go.etcd.io/etcd/clientv3"
	"go.etcd.io/etcd/mvcc/mvccpb"
)

// pubsub: a key per message; a subscriber keeps its checkpoint (the
// revision it delivered through) in its state key and polls with a
// clientv3.Watch WithRev(checkpoint + 1). After a compaction of that
// revision it reads the messages' keys by mod revision instead (messages
// are never deleted, so nothing is lost).
type pubsub struct{ k *drills.Kit }

type message struct {
	ID       string `json:"id"`
	Key      string `json:"key"`
	Revision int64  `json:"revision"`
}

func (p *pubsub) Publish(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ ID, Key, Value string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	res, err := p.k.Client.Put(ctx, a.Key, a.Value)
	if err != nil {
		return drills.Answer{}, err
	}
	return drills.OK(map[string]string{"id": a.ID, "key": a.Key}, res.Header.Revision), nil
}

func (p *pubsub) Subscribe(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Prefix, State string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	cp := a.State + "checkpoint"
	res, err := p.k.Client.Get(ctx, cp)
	if err != nil {
		return drills.Answer{}, err
	}
	if len(res.Kvs) > 0 {
		return drills.OK(map[string]interface{}{"from": string(res.Kvs[0].Value)}, 0), nil
	}
	// First subscription: from now. Create-if-absent: a lost earlier answer may have made it.
	now := itoa(res.Header.Revision)
	t, err := p.k.Client.Txn(ctx).If(clientv3.Compare(clientv3.CreateRevision(cp), "=", 0)).
		Then(clientv3.OpPut(cp, now)).Else(clientv3.OpGet(cp)).Commit()
	if err != nil {
		return drills.Answer{}, err
	}
	if !t.Succeeded {
		now = string(t.Responses[0].GetResponseRange().Kvs[0].Value)
	}
	return drills.OK(map[string]interface{}{"from": now}, 0), nil
}

func (p *pubsub) Poll(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct {
		Prefix string
		After  int64
		WaitMs int64
	}
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	if a.WaitMs <= 0 {
		a.WaitMs = 500
	}
	wctx, cancel := context.WithTimeout(clientv3.WithRequireLeader(ctx), time.Duration(a.WaitMs)*time.Millisecond)
	defer cancel()
	messages := []message{}
	through := a.After
	for wr := range p.k.Client.Watch(wctx, a.Prefix, clientv3.WithPrefix(), clientv3.WithRev(a.After+1)) {
		if wr.CompactRevision != 0 {
			return p.read(ctx, a.Prefix, a.After)
		}
		if err := wr.Err(); err != nil {
			if wctx.Err() != nil && ctx.Err() == nil {
				break // waited waitMs: nothing new
			}
			return drills.Answer{}, err
		}
		for _, ev := range wr.Events {
			if ev.Type == mvccpb.PUT {
				messages = append(messages, message{drills.ValueID(ev.Kv.Value), string(ev.Kv.Key), ev.Kv.ModRevision})
			}
			through = ev.Kv.ModRevision
		}
		if len(wr.Events) > 0 {
			break
		}
	}
	if ctx.Err() != nil && len(messages) == 0 {
		return drills.Answer{}, ctx.Err()
	}
	return drills.OK(map[string]interface{}{"messages": messages, "through": through}, 0), nil
}

// read is the poll after a compaction: the message keys whose mod revision is after `after`.
func (p *pubsub) read(ctx context.Context, prefix string, after int64) (drills.Answer, error) {
	res, err := p.k.Client.Get(ctx, prefix, clientv3.WithPrefix(), clientv3.WithMinModRev(after+1),
		clientv3.WithSort(clientv3.SortByModRevision, clientv3.SortAscend))
	if err != nil {
		return drills.Answer{}, err
	}
	messages := []message{}
	through := after
	for _, kv := range res.Kvs {
		messages = append(messages, message{drills.ValueID(kv.Value), string(kv.Key), kv.ModRevision})
	}
	if len(messages) > 0 {
		through = res.Header.Revision
	}
	return drills.OK(map[string]interface{}{"messages": messages, "through": through}, 0), nil
}

func (p *pubsub) Deliver(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct {
		State   string
		Through int64
	}
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	res, err := p.k.Client.Put(ctx, a.State+"checkpoint", itoa(a.Through))
	if err != nil {
		return drills.Answer{}, err
	}
	return drills.OK(nil, res.Header.Revision), nil
}
