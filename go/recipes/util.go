package main

import (
	"context"
	"encoding/json"
	"strconv"
	"time"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// idOf is the "id" of a JSON value {"id": ...}, else the value itself.
func idOf(value []byte) string {
	var v struct{ ID interface{} }
	if json.Unmarshal(value, &v) == nil && v.ID != nil {
		if s, ok := v.ID.(string); ok {
			return s
		}
		b, _ := json.Marshal(v.ID)
		return string(b)
	}
	return string(value)
}

// pause sleeps d or until ctx ends; false when ctx ended.
func pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
