package main

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"

	"drills"

	"go.etcd.io/etcd/clientv3"
	"go.etcd.io/etcd/mvcc/mvccpb"
)

// pubsub is the write-up's publisher and subscriber: a message goes to the
// key of the clock's second (messages of one second overwrite each other);
// a subscriber watches the prefix from now, keeps the creates it sees, and
// remembers nothing across restarts.
type pubsub struct {
	k       *drills.Kit
	mu      sync.Mutex
	watch   bool
	pending []message
}

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
	key := strings.TrimSuffix(a.Key, a.ID) + strconv.Itoa(time.Now().Second())
	res, err := p.k.Client.Put(ctx, key, a.Value)
	if err != nil {
		return drills.Answer{}, err
	}
	return drills.OK(map[string]string{"id": a.ID, "key": key}, res.Header.Revision), nil
}

// Subscribe starts the watch from now (once per program).
func (p *pubsub) Subscribe(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Prefix string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	res, err := p.k.Client.Get(ctx, a.Prefix, clientv3.WithPrefix(), clientv3.WithCountOnly())
	if err != nil {
		return drills.Answer{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.watch {
		p.watch = true
		go func() {
			for wr := range p.k.Client.Watch(p.k.Stopping, a.Prefix, clientv3.WithPrefix()) {
				for _, e := range wr.Events {
					if e.IsCreate() {
						p.mu.Lock()
						p.pending = append(p.pending, message{drills.ValueID(e.Kv.Value), string(e.Kv.Key), e.Kv.ModRevision})
						p.mu.Unlock()
					}
				}
			}
		}()
	}
	return drills.OK(map[string]interface{}{"from": res.Header.Revision}, 0), nil
}

// Poll hands over what the watch received after `after`.
func (p *pubsub) Poll(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct {
		After  int64
		WaitMs int64
	}
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	end := time.Now().Add(time.Duration(a.WaitMs) * time.Millisecond)
	for {
		p.mu.Lock()
		got := []message{}
		for _, m := range p.pending {
			if m.Revision > a.After {
				got = append(got, m)
			}
		}
		p.mu.Unlock()
		if len(got) > 0 {
			return drills.OK(map[string]interface{}{"messages": got, "through": got[len(got)-1].Revision}, 0), nil
		}
		if time.Now().After(end) || ctx.Err() != nil {
			return drills.OK(map[string]interface{}{"messages": got, "through": a.After}, 0), nil
		}
		pause(ctx, 50*time.Millisecond)
	}
}

// Deliver: the write-up prints the message; nothing is kept.
func (p *pubsub) Deliver(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Through int64 }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	p.mu.Lock()
	kept := p.pending[:0]
	for _, m := range p.pending {
		if m.Revision > a.Through {
			kept = append(kept, m)
		}
	}
	p.pending = kept
	p.mu.Unlock()
	return drills.OK(nil, 0), nil
}

// notification is the write-up's job watcher: a watch of the key from now
// until a state says done.
type notification struct{ k *drills.Kit }

func (n *notification) Wait(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Key string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	for wr := range n.k.Client.Watch(ctx, a.Key) {
		for _, e := range wr.Events {
			var st struct {
				Job      int  `json:"job"`
				Progress int  `json:"progress"`
				Done     bool `json:"done"`
			}
			if e.Type != mvccpb.PUT || json.Unmarshal(e.Kv.Value, &st) != nil {
				continue
			}
			n.k.Emit("observe", map[string]interface{}{"state": st, "modRevision": e.Kv.ModRevision})
			if st.Done {
				return drills.OK(st, e.Kv.ModRevision), nil
			}
		}
	}
	return drills.Answer{}, drills.Fail("stopped before the job was done")
}

// monitoring is the write-up's monitor: the heartbeat prefix watched from
// now; a create is up, a delete is down.
type monitoring struct{ k *drills.Kit }

func (m *monitoring) Run(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Prefix string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	for wr := range m.k.Client.Watch(ctx, a.Prefix, clientv3.WithPrefix()) {
		for _, e := range wr.Events {
			member := strings.TrimPrefix(string(e.Kv.Key), a.Prefix)
			switch {
			case e.Type == mvccpb.DELETE:
				m.k.Emit("transition", map[string]interface{}{"member": member, "state": "down", "revision": e.Kv.ModRevision, "cause": "heartbeat key deleted"})
			case e.IsCreate():
				m.k.Emit("transition", map[string]interface{}{"member": member, "state": "up", "revision": e.Kv.ModRevision, "cause": "heartbeat key created"})
			}
		}
	}
	return drills.OK(nil, 0), nil
}
