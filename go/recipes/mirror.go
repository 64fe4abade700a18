package main

import (
	"context"
	"log"
	"time"

	"go.etcd.io/etcd/clientv3"
	"go.etcd.io/etcd/mvcc/mvccpb"
)

// snapshot is the keys below a prefix at one revision.
type snapshot map[string]*mvccpb.KeyValue

// gap is a span of revisions a mirror could not see (a compaction): after
// the last revision it saw, it resumed at a fresh read's.
type gap struct{ After, ResumedAt int64 }

// mirror keeps a snapshot of prefix the way clientv3 is meant to be used:
// one read, then a Watch WithRev(read + 1) that clientv3 resumes by itself
// across reconnects; a watch that ends (no leader, a closed stream) is
// watched again from the last revision seen + 1, and only a compaction of
// that revision makes it read again (reported as a gap). each is called
// after the read and after every revision's events; it returns true to
// stop. mirror returns when ctx ends or each says stop.
func mirror(ctx context.Context, cli *clientv3.Client, prefix string, each func(s snapshot, rev int64, g *gap) bool) {
	s := snapshot{}
	var rev int64
	read := func(g *gap) (stop, ok bool) {
		for ctx.Err() == nil {
			rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			res, err := cli.Get(rctx, prefix, clientv3.WithPrefix())
			cancel()
			if err != nil {
				log.Printf("read %s: %v", prefix, err)
				pause(ctx, 200*time.Millisecond)
				continue
			}
			s = snapshot{}
			for _, kv := range res.Kvs {
				s[string(kv.Key)] = kv
			}
			rev = res.Header.Revision
			if g != nil {
				g.ResumedAt = rev
			}
			return each(s, rev, g), true
		}
		return false, false
	}
	if stop, ok := read(nil); stop || !ok {
		return
	}
	for ctx.Err() == nil {
		wctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
		compacted := false
		for wr := range cli.Watch(wctx, prefix, clientv3.WithPrefix(), clientv3.WithRev(rev+1)) {
			if wr.CompactRevision != 0 {
				log.Printf("watch %s: revision %d compacted (at %d): reading again", prefix, rev+1, wr.CompactRevision)
				compacted = true
				break
			}
			if err := wr.Err(); err != nil {
				log.Printf("watch %s: %v", prefix, err)
				break
			}
			evs := wr.Events
			for i, ev := range evs {
				r := ev.Kv.ModRevision
				if r <= rev {
					continue
				}
				if ev.Type == mvccpb.DELETE {
					delete(s, string(ev.Kv.Key))
				} else {
					s[string(ev.Kv.Key)] = ev.Kv
				}
				if i == len(evs)-1 || evs[i+1].Kv.ModRevision != r {
					rev = r
					if each(s, rev, nil) {
						cancel()
						return
					}
				}
			}
		}
		cancel()
		if ctx.Err() != nil {
			return
		}
		if compacted {
			if stop, ok := read(&gap{After: rev}); stop || !ok {
				return
			}
		} else {
			pause(ctx, 100*time.Millisecond)
		}
	}
}
