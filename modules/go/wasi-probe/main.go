//go:build wasip1

// Command wasi-probe calls WASI preview1 functions one by one through
// go:wasmimport (not through the syscall package) and prints one line per
// call, exactly like modules/c/wasi-probe.c:
//
//	wasi-probe <function> <result> [key=value ...]
//
// <result> is "ok" or the WASI errno name in lower case ("badf", "nosys", ...;
// "errno-<n>" for a number the spec does not name). proc_exit comes last:
// its line says "pending", then proc_exit(0) ends the program.
//
// Only GOOS=wasip1 makes sense here; Go's own runtime imports more WASI
// functions than these (see modules/README.md).
package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"unsafe"
)

//go:wasmimport wasi_snapshot_preview1 args_sizes_get
func argsSizesGet(argc, argvLen unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 args_get
func argsGet(argv, buf unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 environ_sizes_get
func environSizesGet(count, bufLen unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 environ_get
func environGet(env, buf unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 clock_res_get
func clockResGet(id uint32, res unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 clock_time_get
func clockTimeGet(id uint32, precision uint64, t unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 random_get
func randomGet(buf unsafe.Pointer, n uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_write
func fdWrite(fd uint32, iovs unsafe.Pointer, iovsLen uint32, n unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 fd_read
func fdRead(fd uint32, iovs unsafe.Pointer, iovsLen uint32, n unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 fd_fdstat_get
func fdFdstatGet(fd uint32, st unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 fd_seek
func fdSeek(fd uint32, offset int64, whence uint32, newOffset unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 fd_filestat_get
func fdFilestatGet(fd uint32, st unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 fd_prestat_get
func fdPrestatGet(fd uint32, pre unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 path_open
func pathOpen(dirfd, dirflags uint32, path unsafe.Pointer, pathLen, oflags uint32,
	rightsBase, rightsInheriting uint64, fdflags uint32, fd unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 fd_close
func fdClose(fd uint32) uint32

//go:wasmimport wasi_snapshot_preview1 poll_oneoff
func pollOneoff(in, out unsafe.Pointer, nsubs uint32, nevents unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 sched_yield
func schedYield() uint32

//go:wasmimport wasi_snapshot_preview1 proc_exit
func procExit(code uint32)

const (
	clockRealtime  = 0
	clockMonotonic = 1
	whenceCur      = 1
	rightsFdRead   = 1 << 1
	eventTypeClock = 0
	probePath      = "wasmlab-probe.txt"
	probeCloseFd   = 99
	errnoIO        = 29
)

// errnoNames is WASI preview1's errno enum in order (0 = success).
var errnoNames = [...]string{
	"ok", "2big", "acces", "addrinuse", "addrnotavail", "afnosupport", "again",
	"already", "badf", "badmsg", "busy", "canceled", "child", "connaborted",
	"connrefused", "connreset", "deadlk", "destaddrreq", "dom", "dquot", "exist",
	"fault", "fbig", "hostunreach", "idrm", "ilseq", "inprogress", "intr", "inval",
	"io", "isconn", "isdir", "loop", "mfile", "mlink", "msgsize", "multihop",
	"nametoolong", "netdown", "netreset", "netunreach", "nfile", "nobufs", "nodev",
	"noent", "noexec", "nolck", "nolink", "nomem", "nomsg", "noprotoopt", "nospc",
	"nosys", "notconn", "notdir", "notempty", "notrecoverable", "notsock", "notsup",
	"notty", "nxio", "overflow", "ownerdead", "perm", "pipe", "proto",
	"protonosupport", "prototype", "range", "rofs", "spipe", "srch", "stale",
	"timedout", "txtbsy", "xdev", "notcapable",
}

func report(fn string, e uint32, detail string) {
	res := fmt.Sprintf("errno-%d", e)
	if int(e) < len(errnoNames) {
		res = errnoNames[e]
	}
	if detail != "" {
		detail = " " + detail
	}
	fmt.Printf("wasi-probe %s %s%s\n", fn, res, detail)
}

func ok(e uint32, detail, otherwise string) string {
	if e == 0 {
		return detail
	}
	return otherwise
}

func clockName(id uint32) string {
	if id == clockRealtime {
		return "realtime"
	}
	return "monotonic"
}

// addr is the linear-memory address of a Go value (wasm32 addresses).
func addr(p unsafe.Pointer) uint32 { return uint32(uintptr(p)) }

func main() {
	var argc, argvLen uint32
	e := argsSizesGet(unsafe.Pointer(&argc), unsafe.Pointer(&argvLen))
	report("args_sizes_get", e, ok(e, fmt.Sprintf("argc=%d bytes=%d", argc, argvLen), ""))
	if e == 0 {
		argv := make([]uint32, argc+1)
		buf := make([]byte, argvLen+1)
		e = argsGet(unsafe.Pointer(&argv[0]), unsafe.Pointer(&buf[0]))
		report("args_get", e, "")
	}

	var envc, envLen uint32
	e = environSizesGet(unsafe.Pointer(&envc), unsafe.Pointer(&envLen))
	report("environ_sizes_get", e, ok(e, fmt.Sprintf("count=%d bytes=%d", envc, envLen), ""))
	if e == 0 {
		env := make([]uint32, envc+1)
		buf := make([]byte, envLen+1)
		e = environGet(unsafe.Pointer(&env[0]), unsafe.Pointer(&buf[0]))
		report("environ_get", e, "")
	}

	for _, id := range []uint32{clockRealtime, clockMonotonic} {
		var res uint64
		e = clockResGet(id, unsafe.Pointer(&res))
		report("clock_res_get", e, fmt.Sprintf("clock=%s res_ns=%d", clockName(id), res))
	}
	for _, id := range []uint32{clockRealtime, clockMonotonic} {
		var t uint64
		e = clockTimeGet(id, 1, unsafe.Pointer(&t))
		report("clock_time_get", e, "clock="+clockName(id))
	}

	var rnd [16]byte
	e = randomGet(unsafe.Pointer(&rnd[0]), uint32(len(rnd)))
	report("random_get", e, "bytes=16")

	line := []byte("wasi-probe fd_write ok fd=1\n")
	ciov := [2]uint32{addr(unsafe.Pointer(&line[0])), uint32(len(line))}
	var written uint32
	e = fdWrite(1, unsafe.Pointer(&ciov), 1, unsafe.Pointer(&written))
	runtime.KeepAlive(line)
	if e != 0 {
		report("fd_write", e, "fd=1")
	} else if written != uint32(len(line)) {
		report("fd_write", errnoIO, "fd=1 short-write")
	}

	var fdstat [24]byte // filetype u8, flags u16 at 2, rights u64 at 8 and 16
	e = fdFdstatGet(1, unsafe.Pointer(&fdstat))
	report("fd_fdstat_get", e, ok(e, fmt.Sprintf("fd=1 filetype=%d", fdstat[0]), "fd=1"))

	in := make([]byte, 64)
	iov := [2]uint32{addr(unsafe.Pointer(&in[0])), uint32(len(in))}
	var nread uint32
	e = fdRead(0, unsafe.Pointer(&iov), 1, unsafe.Pointer(&nread))
	runtime.KeepAlive(in)
	report("fd_read", e, ok(e, fmt.Sprintf("fd=0 bytes=%d", nread), "fd=0"))

	var off uint64
	e = fdSeek(1, 0, whenceCur, unsafe.Pointer(&off))
	report("fd_seek", e, "fd=1")

	var filestat [64]byte
	e = fdFilestatGet(1, unsafe.Pointer(&filestat))
	report("fd_filestat_get", e, "fd=1")

	var prestat [8]byte // tag u8, name_len u32 at 4
	e = fdPrestatGet(3, unsafe.Pointer(&prestat))
	report("fd_prestat_get", e, ok(e,
		fmt.Sprintf("fd=3 name_len=%d", binary.LittleEndian.Uint32(prestat[4:])), "fd=3"))

	path := []byte(probePath)
	var fd uint32
	e = pathOpen(3, 0, unsafe.Pointer(&path[0]), uint32(len(path)), 0, rightsFdRead, 0, 0,
		unsafe.Pointer(&fd))
	runtime.KeepAlive(path)
	report("path_open", e, "dirfd=3 path="+probePath)
	if e == 0 {
		report("fd_close", fdClose(fd), "fd=opened")
	}

	// subscription (48 bytes): userdata u64, tag u8 at 8, clock id u32 at 16,
	// timeout u64 at 24, precision u64 at 32, flags u16 at 40 (0 = relative).
	var sub [48]byte
	binary.LittleEndian.PutUint64(sub[0:], 42)
	sub[8] = eventTypeClock
	binary.LittleEndian.PutUint32(sub[16:], clockMonotonic)
	binary.LittleEndian.PutUint64(sub[24:], 1000000) // 1 ms
	binary.LittleEndian.PutUint64(sub[32:], 1000)
	var event [32]byte
	var nevents uint32
	e = pollOneoff(unsafe.Pointer(&sub), unsafe.Pointer(&event), 1, unsafe.Pointer(&nevents))
	report("poll_oneoff", e, ok(e, fmt.Sprintf("clock_ms=1 events=%d", nevents), "clock_ms=1"))

	report("sched_yield", schedYield(), "")
	report("fd_close", fdClose(probeCloseFd), "fd=99")

	fmt.Println("wasi-probe proc_exit pending code=0")
	os.Stdout.Sync()
	procExit(0)
}
