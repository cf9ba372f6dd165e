// Command gc-churn keeps a live heap of small linked nodes while allocating
// and dropping more every round, then reports Go's GC pauses. It is the Go
// twin of modules/c/gc-churn.c: same arguments, same node layout (64 bytes),
// same keys, same first four lines of output:
//
//	live_mb: N
//	rounds: N
//	nodes: <live nodes>
//	checksum: <16 hex digits>
//
// followed by one line per GC cycle, read from runtime.ReadMemStats after
// every round (the PauseNs/PauseEnd ring holds 256 cycles, a round causes a
// few at most):
//
//	wasmlab-gc {"num":K,"pause_ns":P,"end_unix_ns":E}
//
// and, per cycle, the main-thread time Go's collector took (js/wasm has one
// thread, so all GC CPU time is main-thread time), from runtime/metrics'
// /cpu/classes/gc/* read each round. A round's GC time beyond its STW pauses
// (mark assist, dedicated and idle mark workers) is split evenly over the
// cycles that ended in that round, each cycle keeps its own STW pause, so
// cpu_ns >= pause_ns always; time seen in a round without a cycle end is
// carried to the next cycle:
//
//	wasmlab-gc-cpu {"num":K,"cpu_ns":C,"assist_ns":A,"mark_ns":M,"pause_ns":P,"end_unix_ns":E}
//
// --gogc N and --memlimit-mb N call debug.SetGCPercent / SetMemoryLimit first.
// --gctrace does nothing here: the runtime reads GODEBUG only at start-up, so
// the page harness (pages/harness.js) and run-node.mjs (--env) set
// GODEBUG=gctrace=1 when the arguments hold it, and Go's runtime then prints
// "gc K @Ts P%: A+B+C ms clock, ..." per cycle on stderr (collector:
// collector/measure/page_output.c). A note on stderr says when it is missing.
// and a summary; "lost" counts cycles that fell out of the ring unread:
//
//	wasmlab-gc-summary {"num_gc":N,"pause_total_ns":T,"lost":L,...}
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
)

const (
	numLists   = 64
	seed       = 7
	maxLiveMB  = 1024
	maxRounds  = 1000000
	fnvOffset  = 0xcbf29ce484222325
	fnvPrime   = 0x100000001b3
	nodeSizeB  = 64
	ringLength = 256
)

// node is 64 bytes on wasm (8-byte pointer), like the C node on wasm32.
type node struct {
	next *node
	key  uint64
	pad  [6]uint64
}

func splitmix64(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	z := *state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func mix(h, v uint64) uint64 { return (h ^ v) * fnvPrime }

// build returns a list of n fresh nodes; the last key drawn is at the head.
func build(n int, rng *uint64) *node {
	var head *node
	for i := 0; i < n; i++ {
		nd := &node{key: splitmix64(rng), next: head}
		for j := range nd.pad {
			nd.pad[j] = nd.key + uint64(j)
		}
		head = nd
	}
	return head
}

func sum(n *node) uint64 {
	var s uint64
	for ; n != nil; n = n.next {
		s += n.key
	}
	return s
}

type gcCycle struct {
	num       uint32
	pauseNs   uint64
	endUnixNs uint64
	cpuNs     uint64 // main-thread GC time attributed to this cycle
	assistNs  uint64
	markNs    uint64 // dedicated + idle mark workers
}

// The GC CPU classes, in this order in gcLog.samples.
var gcCPUMetrics = []string{
	"/cpu/classes/gc/total:cpu-seconds",
	"/cpu/classes/gc/pause:cpu-seconds",
	"/cpu/classes/gc/mark/assist:cpu-seconds",
	"/cpu/classes/gc/mark/dedicated:cpu-seconds",
	"/cpu/classes/gc/mark/idle:cpu-seconds",
}

// gcLog collects cycles from MemStats without losing any as long as it is
// called at least once per 256 cycles.
type gcLog struct {
	last   uint32
	lost   int
	cycles []gcCycle
	ms     runtime.MemStats
	// runtime/metrics GC CPU seconds: the last reading and time not yet
	// attributed to a cycle (total-pause, assist, mark).
	samples                           []metrics.Sample
	lastCPU                           [5]float64
	carryRest, carryAssist, carryMark float64
}

func (g *gcLog) readCPU() (d [5]float64) {
	if g.samples == nil {
		g.samples = make([]metrics.Sample, len(gcCPUMetrics))
		for i, name := range gcCPUMetrics {
			g.samples[i].Name = name
		}
	}
	metrics.Read(g.samples)
	for i, s := range g.samples {
		v := 0.0
		if s.Value.Kind() == metrics.KindFloat64 {
			v = s.Value.Float64()
		}
		d[i] = v - g.lastCPU[i]
		g.lastCPU[i] = v
	}
	return d
}

func nsOf(sec float64) uint64 {
	if sec <= 0 {
		return 0
	}
	return uint64(sec*1e9 + 0.5)
}

func (g *gcLog) poll() {
	runtime.ReadMemStats(&g.ms)
	d := g.readCPU()
	first := len(g.cycles)
	for k := g.last + 1; k <= g.ms.NumGC; k++ {
		if g.ms.NumGC-k >= ringLength {
			g.lost++
			continue
		}
		i := (k + ringLength - 1) % ringLength
		g.cycles = append(g.cycles, gcCycle{num: k, pauseNs: g.ms.PauseNs[i], endUnixNs: g.ms.PauseEnd[i]})
	}
	g.last = g.ms.NumGC
	g.carryRest += d[0] - d[1]
	g.carryAssist += d[2]
	g.carryMark += d[3] + d[4]
	if n := len(g.cycles) - first; n > 0 {
		for i := first; i < len(g.cycles); i++ {
			c := &g.cycles[i]
			c.cpuNs = c.pauseNs + nsOf(g.carryRest/float64(n))
			c.assistNs = nsOf(g.carryAssist / float64(n))
			c.markNs = nsOf(g.carryMark / float64(n))
		}
		g.carryRest, g.carryAssist, g.carryMark = 0, 0, 0
	}
}

func main() {
	liveMB := flag.Uint("live-mb", 8, "MiB of live nodes (1..1024)")
	rounds := flag.Uint("rounds", 50, "rounds of churn (1..1000000)")
	gogc := flag.Int("gogc", 0, "if set: debug.SetGCPercent(N) (-1 turns the GC off)")
	memlimitMB := flag.Int64("memlimit-mb", 0, "if > 0: debug.SetMemoryLimit(N MiB)")
	gctrace := flag.Bool("gctrace", false, "asks the harness for GODEBUG=gctrace=1 (read only at start-up)")
	flag.Parse()
	if *gctrace && !strings.Contains(","+os.Getenv("GODEBUG")+",", ",gctrace=1,") {
		fmt.Fprintln(os.Stderr, "gc-churn: --gctrace, but GODEBUG lacks gctrace=1: no gctrace lines")
	}
	if *gogc != 0 {
		debug.SetGCPercent(*gogc)
	}
	if *memlimitMB > 0 {
		debug.SetMemoryLimit(*memlimitMB << 20)
	}
	if *liveMB < 1 || *liveMB > maxLiveMB || *rounds < 1 || *rounds > maxRounds || flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "gc-churn: -live-mb must be 1..%d, -rounds 1..%d, no other arguments\n",
			maxLiveMB, maxRounds)
		flag.Usage()
		os.Exit(2)
	}

	perList := int(*liveMB) << 20 / nodeSizeB / numLists
	var lists [numLists]*node
	rng := uint64(seed)
	h := uint64(fnvOffset)
	var gc gcLog
	gc.cycles = make([]gcCycle, 0, 1024)

	for l := range lists {
		lists[l] = build(perList, &rng)
	}
	gc.poll()
	for r := 0; r < int(*rounds); r++ {
		for l := r % 4; l < numLists; l += 4 {
			lists[l] = nil // drop the old list before building its replacement
			lists[l] = build(perList, &rng)
		}
		tmp := build(perList*numLists/4, &rng)
		h = mix(h, sum(tmp))
		gc.poll()
	}
	for _, l := range lists {
		for n := l; n != nil; n = n.next {
			h = mix(h, n.key)
		}
	}
	gc.poll()

	fmt.Printf("live_mb: %d\nrounds: %d\nnodes: %d\nchecksum: %016x\n",
		*liveMB, *rounds, perList*numLists, h)
	for _, c := range gc.cycles {
		fmt.Printf("wasmlab-gc {\"num\":%d,\"pause_ns\":%d,\"end_unix_ns\":%d}\n",
			c.num, c.pauseNs, c.endUnixNs)
	}
	for _, c := range gc.cycles {
		fmt.Printf("wasmlab-gc-cpu {\"num\":%d,\"cpu_ns\":%d,\"assist_ns\":%d,\"mark_ns\":%d,"+
			"\"pause_ns\":%d,\"end_unix_ns\":%d}\n",
			c.num, c.cpuNs, c.assistNs, c.markNs, c.pauseNs, c.endUnixNs)
	}
	fmt.Printf("wasmlab-gc-summary {\"num_gc\":%d,\"pause_total_ns\":%d,\"lost\":%d,"+
		"\"heap_sys_bytes\":%d,\"total_alloc_bytes\":%d,\"gc_cpu_fraction\":%.6f}\n",
		gc.ms.NumGC, gc.ms.PauseTotalNs, gc.lost, gc.ms.HeapSys, gc.ms.TotalAlloc,
		gc.ms.GCCPUFraction)
	runtime.KeepAlive(lists)
}
