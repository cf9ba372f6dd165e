/* hello: the smallest workload. Prints one line and exits 0.
 * The end-to-end test depends on this exact output. */
#include <stdio.h>

int main(void)
{
    puts("hello from C");
    return 0;
}
