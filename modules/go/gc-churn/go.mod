module wasmlab/modules/gc-churn

go 1.22
