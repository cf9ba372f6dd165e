/* test_page_report: what the page tells us (its report, its workload's
 * stdout) is untrusted. Numbers too large, negative or non-integral must be
 * refused one by one, never converted with undefined behaviour, and good lines
 * beside them must still count. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collector/measure/page_clock.h"
#include "collector/measure/page_output.h"
#include "base/util.h"
#include "tests/check.h"

static void test_round_to_int64(void)
{
    int64_t v = 7;
    CHECK(round_to_int64(2.5, 10, &v) && v == 3);     /* half away from zero */
    CHECK(round_to_int64(-2.5, 10, &v) && v == -3);
    CHECK(round_to_int64(10.0, 10, &v) && v == 10);   /* the limit is inclusive */
    v = 7;
    CHECK(!round_to_int64(10.5, 10, &v) && v == 7);   /* refused: *out untouched */
    CHECK(!round_to_int64(-1e300, UNTRUSTED_US_LIMIT, &v) && v == 7);
    CHECK(!round_to_int64(NAN, UNTRUSTED_US_LIMIT, &v));
    CHECK(!round_to_int64(INFINITY, UNTRUSTED_US_LIMIT, &v));
    v = 7;
    CHECK(!round_to_int64(0x1p63, INT64_MAX, &v) && v == 7);   /* (double)INT64_MAX == 2^63 */
    CHECK(round_to_int64(-0x1p62, INT64_MAX, &v) && v == -((int64_t)1 << 62));
    CHECK(round_to_int64((double)UNTRUSTED_US_LIMIT, UNTRUSTED_US_LIMIT, &v) &&
          v == UNTRUSTED_US_LIMIT);
}

static void test_page_output(void)
{
    struct page_output po;
    page_output_parse(
        "hello\n"
        "wasmlab-gc {\"num\":1,\"pause_ns\":65000,\"end_unix_ns\":1700000000000000000}\n"
        "wasmlab-gc {\"num\":2,\"pause_ns\":-5,\"end_unix_ns\":1}\n"
        "wasmlab-gc {\"num\":3,\"pause_ns\":9223372036854775807,\"end_unix_ns\":1}\n"
        "wasmlab-gc {\"num\":4,\"pause_ns\":1e300,\"end_unix_ns\":1}\n"
        "wasmlab-gc {\"num\":5,\"pause_ns\":12,\"end_unix_ns\":\n"
        "wasmlab-alloc-hist {\"op\":\"malloc\",\"log2_buckets\":[1,2]}\n"
        "wasmlab-alloc-hist {\"op\":7}\n"
        "wasmlab-gc {\"num\":6,\"pause_ns\":1125899906842624,\"end_unix_ns\":2}",
        &po);
    CHECK_INT(po.n_go_gc, 2);            /* 1, and 6 exactly at the limit */
    CHECK_INT(po.go_gc[0].num, 1);
    CHECK_INT(po.go_gc[0].pause_ns, 65000);
    CHECK_INT(po.go_gc[1].num, 6);
    CHECK_INT(po.bad_lines, 5);          /* 2, 3, 4, 5 and the bad alloc-hist */
    CHECK_INT(json_array_size(po.alloc_hists), 1);
    page_output_free(&po);

    /* wasmlab-gc-cpu: a cycle's main-thread GC time, never below its STW
     * pause, bounded like a pause; placed on the clock as [end - cpu, end]. */
    page_output_parse(
        "wasmlab-gc-cpu {\"num\":1,\"cpu_ns\":9000000,\"assist_ns\":1,\"mark_ns\":2,"
        "\"pause_ns\":65000,\"end_unix_ns\":1700000000002000000}\n"
        "wasmlab-gc-cpu {\"num\":2,\"cpu_ns\":10,\"pause_ns\":11,\"end_unix_ns\":1}\n"
        "wasmlab-gc-cpu {\"num\":3,\"cpu_ns\":1e300,\"pause_ns\":0,\"end_unix_ns\":1}\n"
        "wasmlab-gc-cpu {\"num\":4,\"cpu_ns\":1125899906842625,\"pause_ns\":0,\"end_unix_ns\":1}\n"
        "wasmlab-gc-cpu {\"num\":5,\"cpu_ns\":-1,\"pause_ns\":-2,\"end_unix_ns\":1}\n"
        "wasmlab-gc-cpu {\"num\":6,\"cpu_ns\":7}\n"
        "wasmlab-gc-cpu [1]\n"
        "wasmlab-gc {\"num\":1,\"pause_ns\":65000,\"end_unix_ns\":1700000000002000000}\n"
        "wasmlab-gc-cpu {\"num\":7,\"cpu_ns\":1125899906842624,\"pause_ns\":0,\"end_unix_ns\":2}",
        &po);
    CHECK_INT(po.n_go_gc, 1);
    CHECK_INT(po.n_go_gc_cpu, 2);        /* 1, and 7 exactly at the limit */
    CHECK_INT(po.go_gc_cpu[0].num, 1);
    CHECK_INT(po.go_gc_cpu[0].cpu_ns, 9000000);
    CHECK_INT(po.go_gc_cpu[0].pause_ns, 65000);
    CHECK_INT(po.go_gc_cpu[1].num, 7);
    CHECK_INT(po.bad_lines, 6);          /* 2 (cpu < pause), 3, 4, 5, 6 and [1] */
    struct page_clock clock = { .valid = true, .zero_trace_us = 1000,
                                .time_origin_ms = 1700000000000.0 };
    struct db_gc_pause rows[3];
    /* cycle 7 ends at unix 2 ns: 1.7e15 µs before the page, no trace holds it */
    CHECK_INT(page_output_go_gc_rows(&po, &clock, 9, rows), 2);
    CHECK(strcmp(rows[0].kind, "stw") == 0 && rows[0].is_pause == 1);
    CHECK_INT(rows[0].dur_us, 65);
    CHECK_INT(rows[0].start_us, 1000 + 2000 - 65);
    CHECK(strcmp(rows[1].kind, "cycle-cpu") == 0 && rows[1].is_pause == 0);
    CHECK_INT(rows[1].dur_us, 9000);
    CHECK_INT(rows[1].start_us, 1000 + 2000 - 9000);
    CHECK_INT(rows[1].gc_num, 1);
    CHECK_INT(rows[1].tid, 9);
    CHECK_INT(page_output_go_gc_rows(&po, NULL, 9, rows), 0);   /* no clock: nothing */
    page_output_free(&po);

    page_output_parse(NULL, &po);
    CHECK_INT(po.n_go_gc, 0);
    CHECK_INT(po.n_go_gc_cpu, 0);
    CHECK_INT(po.bad_lines, 0);
    page_output_free(&po);
}

/* GODEBUG=gctrace=1 lines on stderr: A+B+C ms clock and heap MB, placed
 * at the end of the wasmlab-gc cycle of the same number. */
static void test_gctrace(void)
{
    struct page_output po;
    page_output_parse("wasmlab-gc {\"num\":1,\"pause_ns\":65000,"
                      "\"end_unix_ns\":1700000000002000000}\n", &po);
    page_output_parse_stderr(
        "gc 1 @0.664s 14%: 1.1+349+1.3 ms clock, 1.1+154/0/0+1.3 ms cpu, 3->4->3 MB, 4 MB goal, "
        "0 MB stacks, 0 MB globals, 1 P\n"
        "stderr text, not a trace line\n"
        "gc 2 @1.2s 19%: 15+469 ms clock, 15 ms cpu, 6->8->8 MB\n"          /* two phases */
        "gc 3 @1.2s 19%: -1+469+7.9 ms clock, 15+1/0/0+7.9 ms cpu, 6->8->8 MB\n"
        "gc 4 @1.2s 19%: 1e300+1+1 ms clock, 1+1/0/0+1 ms cpu, 6->8->8 MB\n"
        "gc 5 @2.8s 12%: 0.10+849+0.025 ms clock, 0.10+121/0/0+0.025 ms cpu, 15->18->12 MB, "
        "17 MB goal, 0 MB stacks, 0 MB globals, 1 P (forced)", &po);
    CHECK_INT(po.n_gctrace, 2);
    CHECK_INT(po.bad_lines, 3);                          /* gc 2, 3 and 4 */
    CHECK_INT(po.gctrace[0].num, 1);
    CHECK_INT(po.gctrace[0].sweep_term_ns, 1100000);
    CHECK_INT(po.gctrace[0].mark_ns, 349000000);
    CHECK_INT(po.gctrace[0].mark_term_ns, 1300000);
    CHECK_INT(po.gctrace[0].heap_before_mb, 3);
    CHECK_INT(po.gctrace[0].heap_live_mb, 3);
    CHECK_INT(po.gctrace[1].num, 5);
    CHECK_INT(po.gctrace[1].mark_term_ns, 25000);
    CHECK_INT(po.gctrace[1].heap_live_mb, 12);
    CHECK_INT(page_output_go_gc_capacity(&po), 5);
    struct page_clock clock = { .valid = true, .zero_trace_us = 1000,
                                .time_origin_ms = 1700000000000.0 };
    struct db_gc_pause rows[5];
    /* cycle 5 has no wasmlab-gc line to end at: left out */
    CHECK_INT(page_output_go_gc_rows(&po, &clock, 9, rows), 3);
    CHECK(strcmp(rows[1].kind, "gctrace-clock") == 0 && rows[1].is_pause == 0);
    CHECK_INT(rows[1].dur_us, 351400);
    CHECK_INT(rows[1].start_us, 1000 + 2000 - 351400);
    CHECK_INT(rows[1].heap_before, 3 << 20);
    CHECK(strcmp(rows[2].kind, "gctrace-stw") == 0 && rows[2].is_pause == 0);
    CHECK_INT(rows[2].dur_us, 2400);
    CHECK_INT(rows[2].start_us, rows[1].start_us);
    CHECK_INT(rows[2].gc_num, 1);
    page_output_free(&po);
}

static void test_page_clock(void)
{
    struct extract_mark marks[] = { { "wasmlab:start", 1000000 }, { "wasmlab:done", 1050000 } };
    struct extract_result x = { .marks = marks, .n_marks = 2 };
    json_t *report = json_pack("{s:f, s:{s:f, s:f}}", "time_origin", 1700000000000.0, "marks",
                               "wasmlab:start", 100.0, "wasmlab:done", 150.0);
    struct page_clock c;
    CHECK(page_clock_init(&c, report, &x) == 0);
    CHECK_INT(page_clock_to_trace_us(&c, 0.0), 900000);
    CHECK_INT(page_clock_to_trace_us(&c, 120.5), 1020500);
    CHECK_INT(page_clock_to_trace_us(&c, 1e300), INT64_MIN);
    CHECK_INT(page_clock_to_trace_us(&c, -1e300), INT64_MIN);
    CHECK_INT(page_clock_to_trace_us(&c, NAN), INT64_MIN);
    /* unix 1700000000000.000 ms + 120.5 ms -> the same place as page 120.5 */
    CHECK_INT(page_clock_unix_ns_to_trace_us(&c, 1700000000120500000LL), 1020500);
    CHECK_INT(page_clock_unix_ns_to_trace_us(&c, INT64_MAX), INT64_MIN);
    json_decref(report);

    /* a report whose marks match no trace mark gives no clock */
    report = json_pack("{s:{s:f}}", "marks", "other", 1.0);
    CHECK(page_clock_init(&c, report, &x) == -1);
    json_decref(report);
}

int main(void)
{
    test_round_to_int64();
    test_page_output();
    test_gctrace();
    test_page_clock();
    return check_result();
}
