module wasmlab/modules/wasi-probe

go 1.22
