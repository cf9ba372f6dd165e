module wasmlab/modules/json

go 1.22
