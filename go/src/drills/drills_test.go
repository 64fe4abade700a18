package drills

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"go.etcd.io/etcd/clientv3"
	pb "go.etcd.io/etcd/etcdserver/etcdserverpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// answers runs serve on the given call lines and returns the answers by id.
func answers(t *testing.T, methods map[string]Method, lines ...string) map[float64]map[string]interface{} {
	t.Helper()
	var out bytes.Buffer
	stopping, stop := context.WithCancel(context.Background())
	k := &Kit{Env: &Env{Scenario: "test"}, Stopping: stopping, out: &out, stop: stop}
	serve(k, methods, strings.NewReader(strings.Join(lines, "\n")+"\n"))
	got := map[float64]map[string]interface{}{}
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var a map[string]interface{}
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("not JSON: %q", l)
		}
		got[a["id"].(float64)] = a
	}
	return got
}

func TestOutcomes(t *testing.T) {
	unavailable := status.Error(codes.Unavailable, "no leader")
	got := answers(t, map[string]Method{
		"ok":       func(ctx context.Context, c *Call) (Answer, error) { return OK(map[string]int{"n": 1}, 7), nil },
		"zero":     func(ctx context.Context, c *Call) (Answer, error) { return Answer{}, nil },
		"failed":   func(ctx context.Context, c *Call) (Answer, error) { return Answer{}, Fail("taken") },
		"deadline": func(ctx context.Context, c *Call) (Answer, error) { return Answer{}, context.DeadlineExceeded },
		"down":     func(ctx context.Context, c *Call) (Answer, error) { return Answer{}, unavailable },
		"wrapped": func(ctx context.Context, c *Call) (Answer, error) {
			return Answer{}, errors.New("x: " + Fail("y").Error())
		},
		"panics": func(ctx context.Context, c *Call) (Answer, error) { panic("bug") },
		"compare": func(ctx context.Context, c *Call) (Answer, error) {
			return OfTxn(&clientv3.TxnResponse{Header: &pb.ResponseHeader{Revision: 9}}, nil, nil)
		},
		"txnerr": func(ctx context.Context, c *Call) (Answer, error) { return OfTxn(nil, unavailable, nil) },
	},
		`{"id":1,"call":"ok"}`, `{"id":2,"call":"zero"}`, `{"id":3,"call":"failed"}`,
		`{"id":4,"call":"deadline"}`, `{"id":5,"call":"down"}`, `{"id":6,"call":"wrapped"}`,
		`{"id":7,"call":"panics"}`, `{"id":8,"call":"compare"}`, `{"id":9,"call":"txnerr"}`,
		`{"id":10,"call":"nosuch"}`,
	)
	want := map[float64]interface{}{1: true, 2: true, 3: false, 4: nil, 5: nil, 6: nil, 7: nil, 8: false, 9: nil, 10: false}
	for id, ok := range want {
		a, there := got[id]
		if !there {
			t.Fatalf("no answer to call %v", id)
		}
		if a["ok"] != ok {
			t.Errorf("call %v: ok = %v, want %v (%v)", id, a["ok"], ok, a)
		}
	}
	if got[1]["revision"] != float64(7) || got[8]["revision"] != float64(9) {
		t.Errorf("revisions lost: %v %v", got[1], got[8])
	}
}

func TestDeadlineIsUnknown(t *testing.T) {
	got := answers(t, map[string]Method{
		"slow": func(ctx context.Context, c *Call) (Answer, error) {
			<-ctx.Done() // the call's context ends before its deadline
			time.Sleep(time.Second)
			return OK(nil, 1), nil // too late: dropped
		},
	}, `{"id":1,"call":"slow","deadlineMs":400}`)
	if got[1]["ok"] != nil || !strings.Contains(got[1]["error"].(string), "deadline") {
		t.Errorf("a call past its deadline: %v, want ok null", got[1])
	}
}
