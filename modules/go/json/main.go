// Command json parses a JSON document from stdin with encoding/json, builds a
// tree that keeps member order, re-serialises it compactly and prints a
// checksum. It is the Go twin of modules/c/json.c and prints the same three
// lines for the same input:
//
//	values: <number of JSON values, containers included, member names not>
//	bytes: <length of the compact re-serialisation>
//	checksum: <FNV-1a 64 of the compact re-serialisation, 16 hex digits>
//
// Numbers keep their original text (Decoder.UseNumber), strings are written
// with only '"', '\\' and bytes below 0x20 escaped. Invalid input: a message on
// stderr and exit 1.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// maxDepth is the deepest container nesting accepted (as in the C twin).
const maxDepth = 256

// node is one JSON value; kind is one of n t f d s [ {.
type node struct {
	kind byte
	text string   // number text or decoded string
	keys []string // member names of an object, parallel to kids
	kids []*node
}

type parser struct {
	dec    *json.Decoder
	values int
}

func (p *parser) value(depth int) (*node, error) {
	tok, err := p.dec.Token()
	if err != nil {
		return nil, err
	}
	return p.fromToken(tok, depth)
}

func (p *parser) fromToken(tok json.Token, depth int) (*node, error) {
	p.values++
	switch t := tok.(type) {
	case json.Delim:
		if t != '{' && t != '[' {
			return nil, fmt.Errorf("unexpected %q", rune(t))
		}
		if depth >= maxDepth {
			return nil, errors.New("nesting too deep")
		}
		n := &node{kind: byte(t)}
		for p.dec.More() {
			if t == '{' {
				k, err := p.dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := k.(string)
				if !ok {
					return nil, errors.New("expected member name")
				}
				n.keys = append(n.keys, key)
			}
			kid, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, kid)
		}
		if _, err := p.dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
		return n, nil
	case string:
		return &node{kind: 's', text: t}, nil
	case json.Number:
		return &node{kind: 'd', text: string(t)}, nil
	case bool:
		if t {
			return &node{kind: 't'}, nil
		}
		return &node{kind: 'f'}, nil
	case nil:
		return &node{kind: 'n'}, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

const hexDigits = "0123456789abcdef"

func writeString(w *bufio.Writer, s string) {
	w.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			w.WriteString(`\"`)
		case '\\':
			w.WriteString(`\\`)
		case '\b':
			w.WriteString(`\b`)
		case '\f':
			w.WriteString(`\f`)
		case '\n':
			w.WriteString(`\n`)
		case '\r':
			w.WriteString(`\r`)
		case '\t':
			w.WriteString(`\t`)
		default:
			if c < 0x20 {
				w.WriteString(`\u00`)
				w.WriteByte(hexDigits[c>>4])
				w.WriteByte(hexDigits[c&15])
			} else {
				w.WriteByte(c)
			}
		}
	}
	w.WriteByte('"')
}

func writeValue(w *bufio.Writer, n *node) {
	switch n.kind {
	case 'n':
		w.WriteString("null")
	case 't':
		w.WriteString("true")
	case 'f':
		w.WriteString("false")
	case 'd':
		w.WriteString(n.text)
	case 's':
		writeString(w, n.text)
	case '[', '{':
		w.WriteByte(n.kind)
		for i, kid := range n.kids {
			if i > 0 {
				w.WriteByte(',')
			}
			if n.kind == '{' {
				writeString(w, n.keys[i])
				w.WriteByte(':')
			}
			writeValue(w, kid)
		}
		if n.kind == '{' {
			w.WriteByte('}')
		} else {
			w.WriteByte(']')
		}
	}
}

// countingWriter hashes and counts what goes through it.
type countingWriter struct {
	h interface {
		io.Writer
		Sum64() uint64
	}
	n int
}

func (c *countingWriter) Write(b []byte) (int, error) {
	c.n += len(b)
	return c.h.Write(b)
}

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintf(os.Stderr, "usage: json < document.json (%s: no arguments taken)\n", os.Args[1])
		os.Exit(2)
	}
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintf(os.Stderr, "json: reading stdin: %v\n", err)
		os.Exit(1)
	}
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.UseNumber()
	p := &parser{dec: dec}
	root, err := p.value(0)
	if err == nil {
		if _, err2 := dec.Token(); err2 != io.EOF {
			err = errors.New("data after the top-level value")
		}
	}
	if err != nil {
		if err == io.EOF {
			err = errors.New("unexpected end of input")
		}
		fmt.Fprintf(os.Stderr, "json: invalid JSON at byte %d: %v\n", dec.InputOffset(), err)
		os.Exit(1)
	}

	cw := &countingWriter{h: fnv.New64a()}
	w := bufio.NewWriterSize(cw, 64<<10)
	writeValue(w, root)
	w.Flush()
	fmt.Printf("values: %d\nbytes: %d\nchecksum: %016x\n", p.values, cw.n, cw.h.Sum64())
}
