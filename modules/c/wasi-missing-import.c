/* wasi-missing-import: imports wasi_snapshot_preview1.wasmlab_missing, a
 * function no WASI runtime provides (the name is made up so that every
 * runtime lacks it, shims and node:wasi alike). Instantiation must fail with
 * a link error naming it; if a runtime instantiates it anyway (a Proxy
 * import object that invents functions), the program prints what the call
 * returned and exits 4, so that case is visible too. */
#include <stdio.h>

__attribute__((import_module("wasi_snapshot_preview1"), import_name("wasmlab_missing")))
int wasmlab_missing(int);

int main(void)
{
    printf("wasi-fault missing-import start\n");
    fflush(stdout);
    int r = wasmlab_missing(1);
    printf("wasi-fault missing-import called result=%d\n", r);
    return 4;
}
