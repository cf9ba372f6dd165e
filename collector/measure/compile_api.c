#include "collector/measure/compile_api.h"

#include <string.h>

const char *const compile_apis[COMPILE_API_COUNT + 1] = {
    "streaming", "buffered", "instantiate-streaming", "worker-sync", NULL
};

bool compile_api_valid(const char *name)
{
    for (int i = 0; compile_apis[i]; i++)
        if (strcmp(compile_apis[i], name) == 0)
            return true;
    return false;
}
