// Command compute hashes deterministic data with SHA-256; it is the Go twin
// of modules/c/compute.c and prints the same lines:
//
//	bytes: <N * 1048576>
//	checksum: <sha256, 64 lowercase hex digits>
//
// The data is -mb MiB (default 4) of splitmix64 output (seed 42), each 64-bit
// value stored little-endian. With -dump the data is written to stdout instead.
package main

import (
	"crypto/sha256"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
)

const (
	seed  = 42
	maxMB = 256
)

func splitmix64(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	z := *state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func main() {
	mb := flag.Uint("mb", 4, "MiB of data to hash (1..256)")
	dump := flag.Bool("dump", false, "write the data to stdout instead of hashing it")
	flag.Parse()
	if *mb < 1 || *mb > maxMB || flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "compute: -mb must be 1..%d and no other arguments are taken\n", maxMB)
		flag.Usage()
		os.Exit(2)
	}

	data := make([]byte, int(*mb)<<20)
	state := uint64(seed)
	for off := 0; off < len(data); off += 8 {
		binary.LittleEndian.PutUint64(data[off:], splitmix64(&state))
	}
	if *dump {
		if _, err := os.Stdout.Write(data); err != nil {
			fmt.Fprintf(os.Stderr, "compute: write failed: %v\n", err)
			os.Exit(1)
		}
		return
	}
	sum := sha256.Sum256(data)
	fmt.Printf("bytes: %d\nchecksum: %x\n", len(data), sum)
}
