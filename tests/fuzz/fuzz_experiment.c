/* libFuzzer target for experiment files (collector/measure/experiment.c): any bytes
 * must be accepted into a consistent plan or refused with one line naming the
 * file; never a crash, a leak or an out-of-bounds read. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/measure/experiment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct plan p;
    memset(&p, 0, sizeof p);
    struct experiment e;
    char err[1024] = "";
    int rc = experiment_parse((const char *)data, size, "fuzz.json", "/tmp", &e, &p, err,
                              sizeof err);
    if (rc < 0 && strncmp(err, "experiment fuzz.json: ", 22) != 0) {
        fprintf(stderr, "fuzz_experiment: error without the file name: %s\n", err);
        abort();
    }
    if (rc == 0 && (p.n_browsers < 1 || p.n_apis < 1 || p.n_conditions < 1 || p.loads < 1 ||
                    p.n_names + p.n_files < 1 || !p.experiment)) {
        fprintf(stderr, "fuzz_experiment: accepted an incomplete plan\n");
        abort();
    }
    experiment_free(&e);
    return 0;
}
