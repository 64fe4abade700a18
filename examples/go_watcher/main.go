// A job watcher on etcd's clientv3 (scenario notification), drilled by etcd-drills through the Go kit:
//
//	GO111MODULE=off GOPATH=$DRILLS/go:/usr/share/gocode go build -o my-watcher .
//	deno task run notification --subject 'exec:./my-watcher'
package main

import (
	"context"
	"encoding/json"
	"errors"

	"drills"

	"go.etcd.io/etcd/clientv3"
	"go.etcd.io/etcd/mvcc/mvccpb"
)

type watcher struct{ k *drills.Kit }

// Wait reads the job's key, then watches it from the next revision, reporting every state, until done.
func (w *watcher) Wait(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Key string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	res, err := w.k.Client.Get(ctx, a.Key)
	if err != nil {
		return drills.Answer{}, err // unknown: the node calls wait again
	}
	report := func(kv *mvccpb.KeyValue) bool { // one observe event per state; true once done
		var state struct{ Done bool }
		json.Unmarshal(kv.Value, &state)
		w.k.Emit("observe", map[string]interface{}{"state": json.RawMessage(kv.Value), "modRevision": kv.ModRevision})
		return state.Done
	}
	for _, kv := range res.Kvs {
		if report(kv) {
			return drills.OK(json.RawMessage(kv.Value), kv.ModRevision), nil
		}
	}
	for wr := range w.k.Client.Watch(clientv3.WithRequireLeader(ctx), a.Key, clientv3.WithRev(res.Header.Revision+1)) {
		if err := wr.Err(); err != nil {
			return drills.Answer{}, err // compacted, no leader: unknown, and the node calls wait again
		}
		for _, ev := range wr.Events {
			if report(ev.Kv) {
				return drills.OK(json.RawMessage(ev.Kv.Value), ev.Kv.ModRevision), nil
			}
		}
	}
	return drills.Answer{}, errors.New("the watch ended") // unknown, never false
}

func main() { drills.Run(func(k *drills.Kit) interface{} { return &watcher{k} }) }
