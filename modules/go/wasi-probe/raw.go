//go:build wasip1

// The raw part of wasi-probe: WASI functions called through //go:wasmimport,
// one "wasi-probe <function> <result> [key=value ...]" line each.
package main

import (
	"encoding/binary"
	"fmt"
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

//go:wasmimport wasi_snapshot_preview1 fd_prestat_dir_name
func fdPrestatDirName(fd uint32, buf unsafe.Pointer, n uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_readdir
func fdReaddir(fd uint32, buf unsafe.Pointer, n uint32, cookie uint64, used unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 path_open
func pathOpen(dirfd, dirflags uint32, path unsafe.Pointer, pathLen, oflags uint32,
	rightsBase, rightsInheriting uint64, fdflags uint32, fd unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 path_filestat_get
func pathFilestatGet(dirfd, flags uint32, path unsafe.Pointer, pathLen uint32, st unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 path_create_directory
func pathCreateDirectory(dirfd uint32, path unsafe.Pointer, pathLen uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_remove_directory
func pathRemoveDirectory(dirfd uint32, path unsafe.Pointer, pathLen uint32) uint32

//go:wasmimport wasi_snapshot_preview1 path_unlink_file
func pathUnlinkFile(dirfd uint32, path unsafe.Pointer, pathLen uint32) uint32

//go:wasmimport wasi_snapshot_preview1 fd_close
func fdClose(fd uint32) uint32

//go:wasmimport wasi_snapshot_preview1 poll_oneoff
func pollOneoff(in, out unsafe.Pointer, nsubs uint32, nevents unsafe.Pointer) uint32

//go:wasmimport wasi_snapshot_preview1 sched_yield
func schedYield() uint32

//go:wasmimport wasi_snapshot_preview1 sock_accept
func sockAccept(fd, flags uint32, conn unsafe.Pointer) uint32

const (
	clockRealtime  = 0
	clockMonotonic = 1
	whenceSet      = 0
	whenceCur      = 1
	rightsFdRead   = 1 << 1
	rightsFdSeek   = 1 << 2
	rightsFdWrite  = 1 << 6
	oflagsCreat    = 1
	oflagsTrunc    = 8
	eventTypeClock = 0
	probeCloseFd   = 99
	errnoIO        = 29
	direntSize     = 24 // d_next u64, d_ino u64, d_namlen u32, d_type u8
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

func rawArgsEnv() {
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
}

func rawClocksRandom() {
	for _, id := range []uint32{clockRealtime, clockMonotonic} {
		var res uint64
		e := clockResGet(id, unsafe.Pointer(&res))
		report("clock_res_get", e, fmt.Sprintf("clock=%s res_ns=%d", clockName(id), res))
	}
	for _, id := range []uint32{clockRealtime, clockMonotonic} {
		var t uint64
		e := clockTimeGet(id, 1, unsafe.Pointer(&t))
		report("clock_time_get", e, "clock="+clockName(id))
	}
	var rnd [16]byte
	report("random_get", randomGet(unsafe.Pointer(&rnd[0]), uint32(len(rnd))), "bytes=16")
}

// write calls fd_write once with one iovec.
func write(fd uint32, b []byte) (uint32, uint32) {
	ciov := [2]uint32{addr(unsafe.Pointer(&b[0])), uint32(len(b))}
	var written uint32
	e := fdWrite(fd, unsafe.Pointer(&ciov), 1, unsafe.Pointer(&written))
	runtime.KeepAlive(b)
	return e, written
}

func rawStdio() {
	line := []byte("wasi-probe fd_write ok fd=1\n")
	e, written := write(1, line)
	if e != 0 {
		report("fd_write", e, "fd=1")
	} else if written != uint32(len(line)) {
		report("fd_write", errnoIO, "fd=1 short-write")
	}
	e, written = write(2, []byte("stderr: raw fd_write from wasi-probe\n"))
	report("fd_write", e, fmt.Sprintf("fd=2 bytes=%d", written))

	var fdstat [24]byte // filetype u8, flags u16 at 2, rights u64 at 8 and 16
	e = fdFdstatGet(1, unsafe.Pointer(&fdstat))
	report("fd_fdstat_get", e, ok(e, fmt.Sprintf("fd=1 filetype=%d", fdstat[0]), "fd=1"))

	// part 1 read stdin to its end: this read sees EOF (bytes=0)
	in := make([]byte, 64)
	n, e := read(0, in)
	report("fd_read", e, ok(e, fmt.Sprintf("fd=0 bytes=%d", n), "fd=0"))

	var off uint64
	report("fd_seek", fdSeek(1, 0, whenceCur, unsafe.Pointer(&off)), "fd=1")
	var filestat [64]byte
	report("fd_filestat_get", fdFilestatGet(1, unsafe.Pointer(&filestat)), "fd=1")
}

func read(fd uint32, b []byte) (uint32, uint32) {
	iov := [2]uint32{addr(unsafe.Pointer(&b[0])), uint32(len(b))}
	var nread uint32
	e := fdRead(fd, unsafe.Pointer(&iov), 1, unsafe.Pointer(&nread))
	runtime.KeepAlive(b)
	return nread, e
}

// path calls f with a path's address and length.
func path(p string, f func(unsafe.Pointer, uint32) uint32) uint32 {
	b := []byte(p)
	e := f(unsafe.Pointer(&b[0]), uint32(len(b)))
	runtime.KeepAlive(b)
	return e
}

func open(p string, oflags uint32, rights uint64) (uint32, uint32) {
	var fd uint32
	e := path(p, func(ptr unsafe.Pointer, n uint32) uint32 {
		return pathOpen(sandboxFd, 0, ptr, n, oflags, rights, 0, 0, unsafe.Pointer(&fd))
	})
	return fd, e
}

func rawPreopen() {
	var prestat [8]byte // tag u8, name_len u32 at 4
	e := fdPrestatGet(sandboxFd, unsafe.Pointer(&prestat))
	nameLen := binary.LittleEndian.Uint32(prestat[4:])
	report("fd_prestat_get", e, ok(e, fmt.Sprintf("fd=3 name_len=%d", nameLen), "fd=3"))
	name := make([]byte, 64)
	if e != 0 || nameLen > uint32(len(name)) {
		nameLen = 0
	}
	e = fdPrestatDirName(sandboxFd, unsafe.Pointer(&name[0]), nameLen)
	report("fd_prestat_dir_name", e, ok(e, "fd=3 name="+string(name[:nameLen]), "fd=3"))

	fd, e := open("hello.txt", 0, rightsFdRead|rightsFdSeek)
	report("path_open", e, "dirfd=3 path=hello.txt")
	if e == 0 {
		n, e := read(fd, make([]byte, 64))
		report("fd_read", e, ok(e, fmt.Sprintf("fd=file bytes=%d", n), "fd=file"))
		var off uint64
		e = fdSeek(fd, 6, whenceSet, unsafe.Pointer(&off))
		report("fd_seek", e, ok(e, fmt.Sprintf("fd=file offset=%d", off), "fd=file"))
		report("fd_close", fdClose(fd), "fd=file")
	}

	rawReaddir()

	var filestat [64]byte // size u64 at 32
	e = path("hello.txt", func(p unsafe.Pointer, n uint32) uint32 {
		return pathFilestatGet(sandboxFd, 0, p, n, unsafe.Pointer(&filestat))
	})
	report("path_filestat_get", e, ok(e, fmt.Sprintf("dirfd=3 path=hello.txt size=%d",
		binary.LittleEndian.Uint64(filestat[32:])), "dirfd=3 path=hello.txt"))

	report("path_create_directory", path("rawdir", func(p unsafe.Pointer, n uint32) uint32 {
		return pathCreateDirectory(sandboxFd, p, n)
	}), "dirfd=3 path=rawdir")
	report("path_remove_directory", path("rawdir", func(p unsafe.Pointer, n uint32) uint32 {
		return pathRemoveDirectory(sandboxFd, p, n)
	}), "dirfd=3 path=rawdir")
	fd, e = open("raw.txt", oflagsCreat|oflagsTrunc, rightsFdWrite)
	report("path_open", e, "dirfd=3 path=raw.txt create")
	if e == 0 {
		report("fd_close", fdClose(fd), "fd=created")
	}
	report("path_unlink_file", path("raw.txt", func(p unsafe.Pointer, n uint32) uint32 {
		return pathUnlinkFile(sandboxFd, p, n)
	}), "dirfd=3 path=raw.txt")
}

// rawReaddir: fd_readdir on the preopen, entries other than . and .. counted.
func rawReaddir() {
	buf := make([]byte, 1024)
	var used uint32
	e := fdReaddir(sandboxFd, unsafe.Pointer(&buf[0]), uint32(len(buf)), 0, unsafe.Pointer(&used))
	entries := 0
	for p := uint32(0); e == 0 && p+direntSize <= used; {
		namlen := binary.LittleEndian.Uint32(buf[p+16:])
		p += direntSize
		if namlen > used-p {
			namlen = used - p
		}
		if n := string(buf[p : p+namlen]); n != "." && n != ".." {
			entries++
		}
		p += namlen
	}
	report("fd_readdir", e, ok(e, fmt.Sprintf("fd=3 entries=%d", entries), "fd=3"))
}

func rawMisc() {
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
	e := pollOneoff(unsafe.Pointer(&sub), unsafe.Pointer(&event), 1, unsafe.Pointer(&nevents))
	report("poll_oneoff", e, ok(e, fmt.Sprintf("clock_ms=1 events=%d", nevents), "clock_ms=1"))

	report("sched_yield", schedYield(), "")

	var conn uint32
	e = sockAccept(sandboxFd, 0, unsafe.Pointer(&conn))
	report("sock_accept", e, "fd=3")
	if e == 0 {
		fdClose(conn)
	}
	report("fd_close", fdClose(probeCloseFd), "fd=99")
}
