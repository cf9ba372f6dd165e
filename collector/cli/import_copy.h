/* import_copy: import-trace's stored copy of the trace (zstd level 1) and
 * its SHA-256, made on a thread of its own that reads the file itself.
 *
 * Why a thread with its own read (issue 12): hashing and compressing cost
 * about as much as one parse; on two cores they run beside the parsing
 * passes instead of after or between them, and reading the file twice costs
 * only page-cache copies. Neither side waits for the other until the end.
 * The compression itself runs on zstd's two workers, so that once the
 * passes are done (the measuring pass reads only the module load's span)
 * the copy has both cores. */
#ifndef WASMLAB_IMPORT_COPY_H
#define WASMLAB_IMPORT_COPY_H

#include <stdbool.h>
#include <stdint.h>

struct import_copy;

/* Starts reading file (plain or gzipped) on a new thread: the SHA-256 of its
 * (gunzipped) bytes and, when fd >= 0, a zstd copy of them written to fd.
 * NULL when no thread could be started (warned). */
struct import_copy *import_copy_start(const char *file, int fd);
/* Makes the thread stop at its next piece (the import failed). */
void import_copy_cancel(struct import_copy *c);
/* Waits for the thread and frees c. Returns 0 with the hex digest in sha,
 * the bytes read and whether fd holds the complete copy; -1 when the file
 * could not be read to its end (or the copy was cancelled). */
int import_copy_finish(struct import_copy *c, char sha[65], uint64_t *bytes, bool *copy_ok);

#endif
