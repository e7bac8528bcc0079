package flags

import (
	"sync"
	"sync/atomic"
)

// swapDoc is a document in which "child" is on exactly when "parent" serves
// variant v, with payload "v". Tests swap swapDoc("a") and swapDoc("b"): an
// evaluation that mixed the two snapshots would see child off, or a payload
// that is not its variant's.
func swapDoc(v string) string {
	return `{"flags":[
	  {"key":"parent","active":true,"filters":{"groups":[{"rollout_percentage":100,"variant":"` + v + `"}],
	    "multivariate":{"variants":[{"key":"a","rollout_percentage":50},{"key":"b","rollout_percentage":50}]},
	    "payloads":{"` + v + `":"\"` + v + `\""}}},
	  {"key":"child","active":true,"filters":{"groups":[{"properties":[{"key":"parent","type":"flag","operator":"flag_evaluates_to","value":"` + v + `","dependency_chain":["parent"]}],"rollout_percentage":100}]}}]}`
}

// startReaders runs read in n goroutines, over and over, until stop is
// called or read returns false (after reporting a failure). stop waits for
// the goroutines and returns how many reads completed.
func startReaders(n int, read func() bool) (stop func() int64) {
	done := make(chan struct{})
	var reads atomic.Int64
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				if !read() {
					return
				}
				reads.Add(1)
			}
		}()
	}
	return func() int64 {
		close(done)
		wg.Wait()
		return reads.Load()
	}
}
