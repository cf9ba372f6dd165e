/* compile_api: the compile APIs a load can use, the one list every check
 * (run --api, experiment files) reads. pages/harness.js implements them:
 *   streaming              WebAssembly.compileStreaming(fetch(url))
 *   buffered               fetch, arrayBuffer, WebAssembly.compile
 *   instantiate-streaming  WebAssembly.instantiateStreaming(fetch(url), imports)
 *   worker-sync            a dedicated Worker fetches the bytes and runs the
 *                          synchronous new WebAssembly.Module(bytes) (allowed
 *                          off the main thread above its 8 MB limit) */
#ifndef WASMLAB_COMPILE_API_H
#define WASMLAB_COMPILE_API_H

#include <stdbool.h>

#define COMPILE_API_COUNT 4

/* NULL-terminated, COMPILE_API_COUNT names; the first is the default. */
extern const char *const compile_apis[COMPILE_API_COUNT + 1];
/* "streaming, buffered, instantiate-streaming or worker-sync" */
#define COMPILE_API_LIST "streaming, buffered, instantiate-streaming or worker-sync"

bool compile_api_valid(const char *name);

#endif
