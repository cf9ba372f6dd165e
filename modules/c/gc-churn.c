/* gc-churn: allocator churn under a live heap (C twin of go/gc-churn).
 *
 *   gc-churn [--live-mb N] [--rounds N]
 *
 * Keeps --live-mb MiB (default 8) of 64-byte nodes alive in 64 singly linked
 * lists. Each round frees and rebuilds a quarter of the lists and builds and
 * frees a temporary list of the same size, so every round allocates about
 * half the live size. Keys come from splitmix64 (seed 7) in the same order as
 * in the Go version, so both print the same checksum:
 *
 *   live_mb: N
 *   rounds: N
 *   nodes: <live nodes>
 *   checksum: <16 hex digits>
 *   wasmlab-alloc-hist {"op":"malloc",...}
 *   wasmlab-alloc-hist {"op":"free",...}
 *
 * The histogram lines time every 16th malloc()/free() call with
 * clock_gettime(CLOCK_MONOTONIC) (a WASI clock_time_get call). log2_buckets[0]
 * counts samples of 0 ns, log2_buckets[i] those in [2^(i-1), 2^i) ns; trailing
 * empty buckets are left off. clock_res_ns is what the host reports for the
 * clock: in a browser, performance.now() is clamped to 5 or 100 us. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, clock_getres under -std=c11 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHURN_LISTS 64
#define CHURN_SEED 7u
#define CHURN_SAMPLE_EVERY 16u
#define CHURN_MAX_LIVE_MB 1024ul
#define CHURN_MAX_ROUNDS 1000000ul

#define FNV64_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV64_PRIME UINT64_C(0x100000001b3)

struct node {
    struct node *next; /* 4 bytes + 4 of alignment padding on wasm32 */
    uint64_t key;
    uint64_t pad[6];   /* filled, so each node's whole 64 bytes are touched */
};
_Static_assert(sizeof(struct node) == 64, "node must be 64 bytes");

struct hist {
    const char *op;
    uint64_t samples, sum_ns, max_ns;
    uint64_t buckets[65];
};

static struct hist malloc_hist = { .op = "malloc" };
static struct hist free_hist = { .op = "free" };
static uint32_t call_count;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void hist_add(struct hist *h, uint64_t ns)
{
    unsigned b = 0;
    while (b < 64 && (ns >> b) != 0)
        b++;
    h->buckets[b]++;
    h->samples++;
    h->sum_ns += ns;
    if (ns > h->max_ns)
        h->max_ns = ns;
}

static void hist_print(const struct hist *h, uint64_t res_ns)
{
    unsigned last = 0;
    for (unsigned i = 0; i < 65; i++)
        if (h->buckets[i] != 0)
            last = i;
    printf("wasmlab-alloc-hist {\"op\":\"%s\",\"unit\":\"ns\",\"sample_every\":%u,"
           "\"samples\":%" PRIu64 ",\"sum_ns\":%" PRIu64 ",\"max_ns\":%" PRIu64
           ",\"clock_res_ns\":%" PRIu64 ",\"log2_buckets\":[",
           h->op, CHURN_SAMPLE_EVERY, h->samples, h->sum_ns, h->max_ns, res_ns);
    for (unsigned i = 0; i <= last; i++)
        printf("%s%" PRIu64, i ? "," : "", h->buckets[i]);
    printf("]}\n");
}

static struct node *node_alloc(void)
{
    struct node *n;
    if (++call_count % CHURN_SAMPLE_EVERY == 0) {
        uint64_t t0 = now_ns();
        n = malloc(sizeof *n);
        hist_add(&malloc_hist, now_ns() - t0);
    } else {
        n = malloc(sizeof *n);
    }
    if (n == NULL) {
        fprintf(stderr, "gc-churn: out of memory\n");
        exit(1);
    }
    return n;
}

static void node_free(struct node *n)
{
    if (++call_count % CHURN_SAMPLE_EVERY == 0) {
        uint64_t t0 = now_ns();
        free(n);
        hist_add(&free_hist, now_ns() - t0);
    } else {
        free(n);
    }
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * FNV64_PRIME;
}

/* Builds a list of n fresh nodes; the last key drawn ends up at the head. */
static struct node *list_build(size_t n, uint64_t *rng)
{
    struct node *head = NULL;
    for (size_t i = 0; i < n; i++) {
        struct node *nd = node_alloc();
        nd->key = splitmix64(rng);
        for (int j = 0; j < 6; j++)
            nd->pad[j] = nd->key + (uint64_t)j;
        nd->next = head;
        head = nd;
    }
    return head;
}

static void list_free(struct node *head)
{
    while (head != NULL) {
        struct node *next = head->next;
        node_free(head);
        head = next;
    }
}

static uint64_t list_sum(const struct node *n)
{
    uint64_t s = 0;
    for (; n != NULL; n = n->next)
        s += n->key;
    return s;
}

static int usage(void)
{
    fprintf(stderr, "usage: gc-churn [--live-mb N (1..%lu, default 8)] [--rounds N (1..%lu, default 50)]\n",
            CHURN_MAX_LIVE_MB, CHURN_MAX_ROUNDS);
    return 2;
}

static int parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
    char *end;
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* Accepts "--name N", "--name=N" and the one-dash forms Go's flag package takes. */
static int match_opt(int argc, char **argv, int *i, const char *name, const char **val)
{
    const char *a = argv[*i];
    if (a[0] != '-')
        return 0;
    a += a[1] == '-' ? 2 : 1;
    size_t len = strlen(name);
    if (strncmp(a, name, len) != 0)
        return 0;
    if (a[len] == '=') {
        *val = a + len + 1;
        return 1;
    }
    if (a[len] != '\0')
        return 0;
    *val = *i + 1 < argc ? argv[++*i] : "";
    return 1;
}

int main(int argc, char **argv)
{
    unsigned long live_mb = 8, rounds = 50;
    for (int i = 1; i < argc; i++) {
        const char *val;
        if (match_opt(argc, argv, &i, "live-mb", &val)) {
            if (parse_uint(val, 1, CHURN_MAX_LIVE_MB, &live_mb) != 0)
                return usage();
        } else if (match_opt(argc, argv, &i, "rounds", &val)) {
            if (parse_uint(val, 1, CHURN_MAX_ROUNDS, &rounds) != 0)
                return usage();
        } else {
            return usage();
        }
    }

    size_t per_list = ((size_t)live_mb << 20) / sizeof(struct node) / CHURN_LISTS;
    struct node *lists[CHURN_LISTS];
    uint64_t rng = CHURN_SEED;
    uint64_t h = FNV64_OFFSET;

    for (int l = 0; l < CHURN_LISTS; l++)
        lists[l] = list_build(per_list, &rng);
    for (unsigned long r = 0; r < rounds; r++) {
        for (int l = (int)(r % 4); l < CHURN_LISTS; l += 4) {
            list_free(lists[l]);
            lists[l] = list_build(per_list, &rng);
        }
        struct node *tmp = list_build(per_list * CHURN_LISTS / 4, &rng);
        h = mix(h, list_sum(tmp));
        list_free(tmp);
    }
    for (int l = 0; l < CHURN_LISTS; l++)
        for (const struct node *n = lists[l]; n != NULL; n = n->next)
            h = mix(h, n->key);

    printf("live_mb: %lu\nrounds: %lu\nnodes: %zu\nchecksum: %016" PRIx64 "\n",
           live_mb, rounds, per_list * CHURN_LISTS, h);

    struct timespec res;
    uint64_t res_ns = clock_getres(CLOCK_MONOTONIC, &res) == 0
        ? (uint64_t)res.tv_sec * 1000000000u + (uint64_t)res.tv_nsec : 0;
    hist_print(&malloc_hist, res_ns);
    hist_print(&free_hist, res_ns);

    for (int l = 0; l < CHURN_LISTS; l++)
        list_free(lists[l]);
    return 0;
}
