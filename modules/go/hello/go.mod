module wasmlab/modules/hello

go 1.22
