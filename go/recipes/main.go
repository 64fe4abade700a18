// Command recipes is the `go` subject of every scenario: etcd's own Go
// recipes (clientv3 3.4 from Debian's golang-etcd-server-dev) as a Go
// developer would use them, drilled through the kit (package drills) over
// the exec line protocol. DRILLS_SCENARIO picks the scenario:
//
//	lock           concurrency.Mutex; the write guarded by Mutex.IsOwner (the key's create revision)
//	election       concurrency.Election Campaign / Observe / Resign; writes guarded by the leader key
//	queue          contrib/recipes' queue steps: create-if-absent, WithFirstRev, a delete guarded on the mod revision, WaitPrefixEvents
//	barrier        the waiter judges every revision through a watch; participants follow contrib/recipes' DoubleBarrier
//	pubsub         clientv3.Watch WithRev(checkpoint + 1), a range read after a compaction
//	notification   read, then Watch WithRev(read + 1), read again after a compaction
//	monitoring     read, then Watch WithRev(read + 1) of the heartbeats
//	discovery      concurrency.Session leases; read, then Watch WithRev(read + 1)
//	load-balancing concurrency.Session leases; the resolver reads, then watches WithRev(read + 1)
//
// Build: deno task go-subjects (GOPATH mode, offline).
package main

import (
	"drills"
	"log"
)

func main() {
	drills.Run(func(k *drills.Kit) interface{} {
		switch k.Env.Scenario {
		case "lock":
			return &lock{k: k}
		case "election":
			return &election{k: k}
		case "queue":
			return &queue{k: k}
		case "barrier":
			return &barrier{k: k}
		case "pubsub":
			return &pubsub{k: k}
		case "notification":
			return &notification{k: k}
		case "monitoring":
			return &monitoring{k: k}
		case "discovery":
			return &discovery{registration{k: k}}
		case "load-balancing":
			return &loadBalancing{registration{k: k}}
		}
		log.Printf("no recipe for scenario %q", k.Env.Scenario)
		return nil
	})
}
