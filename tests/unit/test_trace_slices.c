/* trace_slices (nesting, self time, folded stacks) on hand-written traces
 * with known answers and on a real Chromium 156 trace; stored_trace on a
 * real results DB (gzip members, corrupt and missing blobs), read through
 * db/read_traces.h. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tests/check.h"
#include "base/gzip_writer.h"
#include "collector/trace/stored_trace.h"
#include "collector/trace/trace_parser.h"
#include "collector/trace/trace_slices.h"
#include "db/db_internal.h"   /* the raw handle, to shape load_traces as the test needs */
#include "tests/fixture_io.h"

static void build(const char *text, size_t len, size_t chunk, int64_t pid, int64_t from,
                  int64_t to, struct slices *out)
{
    struct slice_builder *b = slices_new(pid, from, to);
    struct trace_parser *tp = trace_parser_new(slices_event, b);
    for (size_t off = 0; off < len; off += chunk)
        CHECK(trace_parser_feed(tp, text + off, off + chunk > len ? len - off : chunk) == 0);
    CHECK(trace_parser_finish(tp) == 0);
    trace_parser_free(tp);
    slices_finish(b, out);
    slices_builder_free(b);
}

static const struct slice *find(const struct slices *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(string_pool_get(&s->names, s->v[i].name), name) == 0)
            return &s->v[i];
    return NULL;
}

static char *folded(const struct slices *s, bool with_process, int64_t *total)
{
    struct buf b = { 0 };
    *total = slices_write_folded(s, with_process, &b);
    return b.data ? b.data : strdup("");
}

static const char hand[] =
    "{\"traceEvents\":["
    "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":7,\"tid\":1,\"args\":{\"name\":\"Main\"}},"
    "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":7,\"tid\":0,\"args\":{\"name\":\"Renderer\"}},"
    /* out of order on purpose: parents after children, threads mixed */
    "{\"ph\":\"X\",\"name\":\"B\",\"pid\":7,\"tid\":1,\"ts\":10,\"dur\":30},"
    "{\"ph\":\"X\",\"name\":\"E\",\"pid\":7,\"tid\":2,\"ts\":5,\"dur\":10},"
    "{\"ph\":\"X\",\"name\":\"A\",\"pid\":7,\"tid\":1,\"ts\":0,\"dur\":100},"
    "{\"ph\":\"B\",\"name\":\"D\",\"pid\":7,\"tid\":1,\"ts\":20},"
    "{\"ph\":\"E\",\"pid\":7,\"tid\":1,\"ts\":30},"
    "{\"ph\":\"X\",\"name\":\"C\",\"pid\":7,\"tid\":1,\"ts\":50,\"dur\":10},"
    /* a child that outlives its parent: clipped */
    "{\"ph\":\"X\",\"name\":\"P\",\"pid\":7,\"tid\":1,\"ts\":200,\"dur\":10},"
    "{\"ph\":\"X\",\"name\":\"Q;x\",\"pid\":7,\"tid\":1,\"ts\":205,\"dur\":15},"
    /* never closed: ends at the thread's last timestamp (220) */
    "{\"ph\":\"B\",\"name\":\"open\",\"pid\":7,\"tid\":1,\"ts\":215},"
    /* not slices: instant, async, counter, another process */
    "{\"ph\":\"I\",\"name\":\"inst\",\"pid\":7,\"tid\":1,\"ts\":3},"
    "{\"ph\":\"b\",\"name\":\"async\",\"pid\":7,\"tid\":1,\"ts\":3,\"id\":\"0x1\"},"
    "{\"ph\":\"C\",\"name\":\"ctr\",\"pid\":7,\"tid\":1,\"ts\":3,\"args\":{\"v\":1}},"
    "{\"ph\":\"X\",\"name\":\"other\",\"pid\":9,\"tid\":1,\"ts\":0,\"dur\":1000}"
    "]}";

static void test_hand(void)
{
    struct slices s;
    build(hand, strlen(hand), 7, 7, INT64_MIN, INT64_MAX, &s);
    CHECK_INT(s.n, 8);   /* A B C D E P Q open */
    const struct slice *a = find(&s, "A"), *b = find(&s, "B"), *d = find(&s, "D");
    const struct slice *q = find(&s, "Q;x"), *o = find(&s, "open"), *e = find(&s, "E");
    CHECK(a && b && d && q && o && e && !find(&s, "other") && !find(&s, "inst"));
    if (!(a && b && d && q && o && e)) {
        slices_free(&s);
        return;
    }
    CHECK_INT(a->depth, 0);
    CHECK_INT(b->depth, 1);
    CHECK_INT(d->depth, 2);
    CHECK_INT(a->self_us, 100 - 30 - 10);
    CHECK_INT(b->self_us, 30 - 10);
    CHECK_INT(d->dur_us, 10);
    CHECK_INT(q->depth, 1);
    CHECK_INT(q->dur_us, 5);          /* clipped to P's end */
    CHECK_INT(s.clipped, 1);
    CHECK_INT(o->start_us, 215);
    CHECK_INT(o->dur_us, 5);          /* to the thread's last timestamp, 220 */
    CHECK_STR(s.threads[a->thread].name, "Main");
    CHECK_STR(s.threads[a->thread].process, "Renderer");
    CHECK_INT(s.threads[a->thread].busy_us, 100 + 10 + 5);
    CHECK_INT(s.threads[a->thread].max_depth, 3);

    int64_t total;
    char *text = folded(&s, false, &total);
    CHECK_STR(text,
              "Main;A 60\n"
              "Main;A;B 20\n"
              "Main;A;B;D 10\n"
              "Main;A;C 10\n"
              "Main;P 5\n"
              "Main;P;Q,x 5\n"
              "Main;open 5\n"
              "tid 2;E 10\n");
    CHECK_INT(total, 100 + 10 + 5 + 10);   /* top-level slices' total time */
    free(text);
    text = folded(&s, true, &total);
    CHECK(strncmp(text, "Renderer 7;Main;A 60\n", 21) == 0);
    free(text);
    slices_free(&s);

    /* a window keeps what overlaps it, parents included, depths unchanged */
    build(hand, strlen(hand), 4096, 7, 22, 25, &s);
    CHECK(find(&s, "A") && find(&s, "B") && find(&s, "D") && !find(&s, "C") && !find(&s, "E"));
    const struct slice *dd = find(&s, "D");
    CHECK(dd && dd->depth == 2 && s.v[dd->parent].parent != SLICE_NONE);
    slices_free(&s);

    /* every process */
    build(hand, strlen(hand), 4096, -1, INT64_MIN, INT64_MAX, &s);
    CHECK(find(&s, "other") != NULL);
    slices_free(&s);
}

static void test_real_trace(void)
{
    size_t len;
    char *text = fixture_read_gz("traces/chromium156-go-hello-streaming.json.gz", &len);
    CHECK(text != NULL);
    if (!text)
        return;
    struct slices s1, s2;
    build(text, len, 1 << 20, 30418, INT64_MIN, INT64_MAX, &s1);
    build(text, len, 4093, 30418, INT64_MIN, INT64_MAX, &s2);
    CHECK(s1.n > 2000);
    CHECK_INT(s1.n, s2.n);
    int64_t t1, t2, busy = 0;
    char *f1 = folded(&s1, false, &t1), *f2 = folded(&s2, false, &t2);
    CHECK_STR(f1, f2);                 /* chunking does not matter */
    for (size_t i = 0; i < s1.n_threads; i++)
        busy += s1.threads[i].busy_us;
    CHECK_INT(t1, busy);               /* folded counts = top-level total */
    /* every line is "frames count" with a thread first */
    CHECK(strncmp(f1, "Chrome_ChildIOThread;", 21) == 0 || strstr(f1, "CrRendererMain;RunTask"));
    CHECK(strstr(f1, "CrRendererMain;RunTask;v8.wasm.compileConsume;wasm.OnBytesReceived ") != NULL);
    size_t negative = 0;
    for (size_t i = 0; i < s1.n; i++)
        negative += s1.v[i].self_us < 0;
    CHECK_INT(negative, 0);
    free(f1);
    free(f2);
    slices_free(&s1);
    slices_free(&s2);
    free(text);
}

/* ---- stored_trace ---- */

struct collect {
    struct buf out;
};

static int collect(void *arg, const void *data, size_t len)
{
    struct collect *c = arg;
    buf_append(&c->out, data, len);
    return 0;
}

static void put_trace(sqlite3 *sq, int64_t id, const char *encoding, const void *data, size_t len)
{
    sqlite3_stmt *st;
    CHECK(sqlite3_prepare_v2(sq, "INSERT INTO load_traces VALUES (?, 'chrome-json', ?, 0, ?)",
                             -1, &st, NULL) == SQLITE_OK);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, encoding, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, data, (int)len, SQLITE_STATIC);
    CHECK(sqlite3_step(st) == SQLITE_DONE);
    sqlite3_finalize(st);
}

static void test_stored_trace(void)
{
    size_t len;
    char *text = fixture_read_gz("traces/chromium156-c-hello-streaming.json.gz", &len);
    CHECK(text != NULL);
    if (!text)
        return;
    char path[] = "/tmp/wasmlab-test-slices-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    unlink(path);   /* db_open makes it, with the whole schema */
    char err[400];
    struct db *db = db_open(path, err, sizeof err);
    CHECK(db != NULL);
    if (!db) {
        free(text);
        return;
    }
    /* the raw handle, to shape the table as the test needs (tests only) */
    sqlite3 *sq = db_sqlite(db);
    CHECK(sqlite3_exec(sq, "PRAGMA foreign_keys=OFF; DROP TABLE load_traces", NULL, NULL,
                       NULL) == SQLITE_OK);
    struct collect c = { 0 };
    CHECK_INT(stored_trace_read(db, 1, collect, &c, NULL, err, sizeof err), STORED_TRACE_MISSING);
    CHECK(strstr(err, "no load_traces table") != NULL);
    CHECK(sqlite3_exec(sq, "CREATE TABLE load_traces (load_id INTEGER PRIMARY KEY, format TEXT,"
                           " encoding TEXT, raw_bytes INTEGER, data BLOB)", NULL, NULL,
                       NULL) == SQLITE_OK);
    /* one gzip member, as gzip_writer makes it */
    struct gzip_writer w;
    CHECK(gzip_writer_init(&w, 6) == 0);
    CHECK(gzip_writer_write(&w, text, len) == 0);
    CHECK(gzip_writer_finish(&w) == 0);
    put_trace(sq, 1, "gzip", w.out.data, w.out.len);
    /* two members back to back (gzip files may be concatenated) */
    struct gzip_writer w1, w2;
    CHECK(gzip_writer_init(&w1, 1) == 0 && gzip_writer_init(&w2, 9) == 0);
    CHECK(gzip_writer_write(&w1, text, len / 3) == 0);
    CHECK(gzip_writer_write(&w2, text + len / 3, len - len / 3) == 0);
    CHECK(gzip_writer_finish(&w1) == 0 && gzip_writer_finish(&w2) == 0);
    struct buf two = { 0 };
    buf_append(&two, w1.out.data, w1.out.len);
    buf_append(&two, w2.out.data, w2.out.len);
    put_trace(sq, 2, "gzip", two.data, two.len);
    /* truncated, and not gzip at all */
    put_trace(sq, 3, "gzip", w.out.data, w.out.len / 2);
    put_trace(sq, 4, "gzip", "not gzip at all", 15);
    put_trace(sq, 5, "zstd", "x", 1);

    for (int id = 1; id <= 2; id++) {
        buf_reset(&c.out);
        CHECK_INT(stored_trace_read(db, id, collect, &c, NULL, err, sizeof err), STORED_TRACE_OK);
        CHECK_INT(c.out.len, len);
        CHECK(c.out.len == len && memcmp(c.out.data, text, len) == 0);
    }
    CHECK_INT(stored_trace_read(db, 3, collect, &c, NULL, err, sizeof err), STORED_TRACE_CORRUPT);
    CHECK(strstr(err, "truncated") != NULL);
    CHECK_INT(stored_trace_read(db, 4, collect, &c, NULL, err, sizeof err), STORED_TRACE_CORRUPT);
    CHECK_INT(stored_trace_read(db, 5, collect, &c, NULL, err, sizeof err), STORED_TRACE_CORRUPT);
    CHECK_INT(stored_trace_read(db, 99, collect, &c, NULL, err, sizeof err), STORED_TRACE_MISSING);
    CHECK(strstr(err, "load 99 has no stored trace") != NULL);

    /* parsed straight into the slices, the same as from the text */
    struct slice_builder *b = slices_new(-1, INT64_MIN, INT64_MAX);
    CHECK_INT(stored_trace_parse(db, 2, slices_event, b, err, sizeof err), STORED_TRACE_OK);
    struct slices s1, s2;
    slices_finish(b, &s1);
    slices_builder_free(b);
    build(text, len, 65536, -1, INT64_MIN, INT64_MAX, &s2);
    CHECK_INT(s1.n, s2.n);
    slices_free(&s1);
    slices_free(&s2);

    db_close(db);
    unlink(path);
    gzip_writer_free(&w);
    gzip_writer_free(&w1);
    gzip_writer_free(&w2);
    buf_free(&two);
    buf_free(&c.out);
    free(text);
}

int main(void)
{
    test_hand();
    test_real_trace();
    test_stored_trace();
    return check_result();
}
