package main

import (
	"context"
	"strings"

	"drills"
)

// monitoring mirrors the heartbeat prefix and reports each change: a key
// that appears is up, one that goes is down, one put again under a new
// create revision (a new lease) is down, then up.
type monitoring struct{ k *drills.Kit }

func (m *monitoring) Run(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Prefix string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	known := map[string]int64{} // member: create revision of its heartbeat key
	say := func(member, state string, rev int64, cause string) {
		m.k.Emit("transition", map[string]interface{}{"member": member, "state": state, "revision": rev, "cause": cause})
	}
	mirror(ctx, m.k.Client, a.Prefix, func(s snapshot, rev int64, g *gap) bool {
		now := map[string]int64{}
		for key, kv := range s {
			member := strings.TrimPrefix(key, a.Prefix)
			now[member] = kv.CreateRevision
			old, was := known[member]
			switch {
			case !was:
				say(member, "up", kv.CreateRevision, "heartbeat key created")
			case old != kv.CreateRevision:
				say(member, "down", kv.CreateRevision, "heartbeat key replaced")
				say(member, "up", kv.CreateRevision, "heartbeat key under a new lease")
			}
		}
		for member := range known {
			if _, is := now[member]; !is {
				say(member, "down", rev, "heartbeat key deleted")
			}
		}
		known = now
		return false
	})
	return drills.OK(nil, 0), nil
}
