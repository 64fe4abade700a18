package main

import (
	"context"

	"drills"

	"go.etcd.io/etcd/clientv3"
	"go.etcd.io/etcd/clientv3/concurrency"
	pb "go.etcd.io/etcd/etcdserver/etcdserverpb"
)

// lock holds a concurrency.Mutex under a session kept across acquisitions;
// every write is a transaction guarded by Mutex.IsOwner: the lock key still
// has the create revision it was taken with (the fencing token).
type lock struct {
	k *drills.Kit
	s *concurrency.Session
	m *concurrency.Mutex
}

func (l *lock) session(ctx context.Context) (*concurrency.Session, error) {
	s, err := l.k.LiveSession(ctx, l.s)
	l.s = s
	return s, err
}

func (l *lock) Acquire(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct{ Prefix string }
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	s, err := l.session(ctx)
	if err != nil {
		return drills.Answer{}, err
	}
	m := concurrency.NewMutex(s, a.Prefix)
	if err := m.Lock(ctx); err != nil {
		return drills.Answer{}, err // on a deadline Lock deletes its own key
	}
	l.m = m
	return drills.OK(map[string]interface{}{"token": token(m.IsOwner())}, m.Header().Revision), nil
}

// token is the create revision an IsOwner compare checks.
func token(c clientv3.Cmp) int64 {
	if u, ok := c.TargetUnion.(*pb.Compare_CreateRevision); ok {
		return u.CreateRevision
	}
	return 0
}

func (l *lock) Write(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	var a struct {
		Key string
		To  int64
	}
	if err := c.Decode(&a); err != nil {
		return drills.Answer{}, err
	}
	if l.m == nil {
		return drills.Failed("not holding the lock", nil, 0), nil
	}
	res, err := l.k.Client.Txn(ctx).If(l.m.IsOwner()).Then(clientv3.OpPut(a.Key, itoa(a.To))).Commit()
	return drills.OfTxn(res, err, nil)
}

func (l *lock) Release(ctx context.Context, c *drills.Call) (drills.Answer, error) {
	if l.m == nil {
		return drills.OK(nil, 0), nil
	}
	if err := l.m.Unlock(ctx); err != nil {
		return drills.Answer{}, err
	}
	l.m = nil
	return drills.OK(nil, 0), nil
}

func (l *lock) Stop(ctx context.Context) {
	if l.s != nil {
		l.s.Close()
	}
}
