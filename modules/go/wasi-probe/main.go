//go:build wasip1

// Command wasi-probe shows what WASI gives a Go program (GOOS=wasip1), for
// the WASI census; the Go twin of modules/c/wasi-probe.c, same three parts,
// every line written before the next call:
//
//  1. Language steps, each done through Go's normal API (os, io, time,
//     crypto/rand, net, runtime), then one line
//     wasi-step <step> <result> [detail]
//     <result>: "ok", or "err" with detail msg="<Go error string>" (quoted
//     as Go's %q does). Steps in order: args environ clock-realtime
//     clock-monotonic clock-res stdout stderr stdin prestat open read seek
//     readdir stat mkdir unlink poll-timeout random yield sock-accept.
//     Go has no API for a clock's resolution: clock-res says "ok api=none".
//  2. Raw calls through //go:wasmimport (not through the syscall package),
//     one line each, exactly as the C probe prints them:
//     wasi-probe <function> <result> [key=value ...]
//     <result>: "ok" or the WASI errno name in lower case ("badf", ...;
//     "errno-<n>" for a number the spec does not name).
//  3. "wasi-probe proc_exit pending code=3", "wasi-step proc-exit pending
//     code=3", then os.Exit(3).
//
// Go's runtime makes WASI calls of its own before main (args, environ,
// clocks, random, the preopen scan from fd 3): a logging runtime sees them
// before the first line, in the args step's window. The environment it
// expects, and what it creates and removes in /sandbox, are the C probe's.
package main

import (
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"time"
)

const (
	sandbox   = "/sandbox"
	sandboxFd = 3 // the first preopen: raw calls use it
	exitCode  = 3
)

func stepOK(step, detail string) {
	if detail != "" {
		detail = " " + detail
	}
	fmt.Printf("wasi-step %s ok%s\n", step, detail)
}

func stepErr(step string, err error, detail string) {
	if detail != "" {
		detail += " "
	}
	fmt.Printf("wasi-step %s err %smsg=%q\n", step, detail, err.Error())
}

// step prints ok with detail, or err with the error.
func step(step string, err error, detail string) {
	if err != nil {
		stepErr(step, err, "")
	} else {
		stepOK(step, detail)
	}
}

func printable(b []byte) string {
	s := strings.TrimRight(string(b), "\r\n")
	if len(s) > 32 {
		s = s[:32]
	}
	if s == "" {
		return "-"
	}
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == '"' || r > '~' {
			return '.'
		}
		return r
	}, s)
}

func stepsBasic() {
	stepOK("args", fmt.Sprintf("argc=%d argv1=%s", len(os.Args), argOr(1, "-")))
	v, set := os.LookupEnv("WASMLAB")
	if !set {
		v = "unset"
	}
	stepOK("environ", "WASMLAB="+v)

	now := time.Now()
	stepOK("clock-realtime", "after_2020="+yes(now.Unix() > 1577836800))
	stepOK("clock-monotonic", "nondecreasing="+yes(time.Since(now) >= 0))
	stepOK("clock-res", "api=none")

	_, err := fmt.Fprintln(os.Stdout, "stdout: hello from wasi-probe")
	step("stdout", err, "bytes=30")
	_, err = fmt.Fprintln(os.Stderr, "stderr: hello from wasi-probe")
	step("stderr", err, "bytes=30")

	in, err := io.ReadAll(io.LimitReader(os.Stdin, 4096))
	step("stdin", err, fmt.Sprintf("bytes=%d text=%s", len(in), printable(in)))
}

func stepsFile() {
	st, err := os.Stat(sandbox)
	if err == nil {
		stepOK("prestat", fmt.Sprintf("path=%s isdir=%v", sandbox, st.IsDir()))
	} else {
		stepErr("prestat", err, "")
	}

	f, err := os.Open(sandbox + "/hello.txt")
	step("open", err, "path="+sandbox+"/hello.txt")

	buf := make([]byte, 64)
	n, err := f.Read(buf) // a nil *os.File says "invalid argument"
	match := n >= 18 && string(buf[:18]) == "hello from wasmlab"
	step("read", err, fmt.Sprintf("bytes=%d match=%s", n, yes(match)))

	off, err := f.Seek(6, io.SeekStart)
	if err == nil {
		n, _ = io.ReadFull(f, buf[:4])
		stepOK("seek", fmt.Sprintf("offset=%d then=%s", off, printable(buf[:n])))
	} else {
		stepErr("seek", err, "offset=6")
	}
	if f != nil {
		f.Close() // in seek's window
	}

	ents, err := os.ReadDir(sandbox)
	names := make([]string, len(ents))
	for i, e := range ents {
		names[i] = e.Name()
	}
	list := strings.Join(names, ",")
	if list == "" {
		list = "-"
	}
	step("readdir", err, fmt.Sprintf("count=%d entries=%s", len(ents), list))

	st, err = os.Stat(sandbox + "/hello.txt")
	if err == nil {
		kind := "other"
		if st.Mode().IsRegular() {
			kind = "file"
		} else if st.IsDir() {
			kind = "dir"
		}
		stepOK("stat", fmt.Sprintf("size=%d type=%s", st.Size(), kind))
	} else {
		stepErr("stat", err, "")
	}
}

func stepsWrite() {
	dir := sandbox + "/newdir"
	if err := os.Mkdir(dir, 0o755); err != nil {
		stepErr("mkdir", err, "")
	} else {
		rm := "ok"
		if err := os.Remove(dir); err != nil {
			rm = "err"
		}
		stepOK("mkdir", "path="+dir+" rmdir="+rm)
	}

	file := sandbox + "/tmp.txt"
	if err := os.WriteFile(file, []byte("probe"), 0o644); err != nil {
		stepErr("unlink", err, "at=create")
	} else {
		step("unlink", os.Remove(file), "path="+file+" written=5")
	}
}

func stepsMisc() {
	time.Sleep(time.Millisecond) // the scheduler idles: poll_oneoff
	stepOK("poll-timeout", "timeout_ms=1")

	var rnd [16]byte
	_, err := rand.Read(rnd[:])
	step("random", err, "bytes=16")

	runtime.Gosched()
	stepOK("yield", "")

	// No runtime here hands the program a socket: a listener on the
	// preopened directory's fd shows what Go and the runtime answer.
	// keepFd3 stays reachable: its finalizer would close the preopen.
	keepFd3 = os.NewFile(sandboxFd, "fd3")
	l, err := net.FileListener(keepFd3)
	if err == nil {
		var c net.Conn
		c, err = l.Accept()
		if err == nil {
			c.Close()
		}
	}
	if err != nil {
		stepErr("sock-accept", err, "fd=3")
	} else {
		stepOK("sock-accept", "fd=3")
	}
}

var keepFd3 *os.File

func argOr(i int, def string) string {
	if i < len(os.Args) {
		return os.Args[i]
	}
	return def
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func main() {
	stepsBasic()
	stepsFile()
	stepsWrite()
	stepsMisc()

	rawArgsEnv()
	rawClocksRandom()
	rawStdio()
	rawPreopen()
	rawMisc()

	fmt.Printf("wasi-probe proc_exit pending code=%d\n", exitCode)
	fmt.Printf("wasi-step proc-exit pending code=%d\n", exitCode)
	os.Exit(exitCode)
}
