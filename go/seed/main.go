// Command seed is the `go-seed` subject of every scenario: the programs of
// the classic write-up ("etcd usage examples", ../shared/seed in the
// project's notes), written again in Go on clientv3 section by section,
// their flaws kept, and drilled through the kit (package drills).
// DRILLS_SCENARIO picks the section:
//
//	discovery      Register: a fresh lease granted every tick and never revoked; the watcher watches from now and acts on creates
//	load-balancing the same registration; the resolver reads, then watches from now and removes the delete event's (empty) value
//	pubsub         a key per second of the clock; subscribers watch from now and deliver creates
//	notification   a watch of the job's key from now: a watcher that starts late waits for ever
//	queue          FIFO: a plain put, Get WithFirstRev + WithLimit(1), then a plain delete
//	barrier        the condition queue: on every watch event read the keys again and decide on that read; participants wait until the keys exist
//	lock           clientv3's own concurrency.Mutex (the write-up points to it), the write unguarded
//	election       "use the lock": concurrency.Mutex on the election prefix; an observer reads the first key after each event
//	monitoring     the heartbeat prefix watched from now: deletes are down, creates up
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
		case "discovery":
			return &discovery{registry{k: k}}
		case "load-balancing":
			return &loadBalancing{registry{k: k}}
		case "pubsub":
			return &pubsub{k: k}
		case "notification":
			return &notification{k: k}
		case "queue":
			return &queue{k: k}
		case "barrier":
			return &barrier{k: k}
		case "lock":
			return &lock{k: k}
		case "election":
			return &election{lock{k: k}}
		case "monitoring":
			return &monitoring{k: k}
		}
		log.Printf("the write-up has no section for scenario %q", k.Env.Scenario)
		return nil
	})
}
