package main

import (
	"context"
	"encoding/json"

	"drills"
)

// notification mirrors the job's key (read, then watch from the read's
// revision + 1): every state seen is an observe event; done answers.
type notification struct{ k *drills.Kit }

type jobState struct {
	Job      int  `json:"job"`
	Progress int  `json:"progress"`
	Done     bool `json:"done"`
}

func (n *notification) Wait(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Key string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	var seen int64
	var done *jobState
	mirror(ctx, n.k.Client, a.Key, func(s snapshot, rev int64, _ *gap) bool {
		kv := s[a.Key]
		if kv == nil || kv.ModRevision <= seen {
			return false
		}
		seen = kv.ModRevision
		var st jobState
		if err := json.Unmarshal(kv.Value, &st); err != nil {
			return false
		}
		n.k.Emit("observe", map[string]interface{}{"state": st, "modRevision": seen})
		if st.Done {
			done = &st
			return true
		}
		return false
	})
	if done == nil {
		return drills.Answer{}, drills.Fail("stopped before the job was done")
	}
	return drills.OK(done, seen), nil
}
