module wasmlab/modules/compute

go 1.22
