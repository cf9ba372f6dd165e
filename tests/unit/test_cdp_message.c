/* cdp_message against a real recorded CDP session (Chromium 156, one load of
 * c/hello; tests/fixtures/cdp/), replayed in random websocket fragments, plus
 * the hostile cases: wrong types, oversized messages, unknown ids. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cdp/cdp_message.h"
#include "tests/check.h"
#include "tests/fixture_io.h"

struct seen {
    int events, binding_calls, tracing_complete, with_session;
    char last_method[128];
};

static void on_event(void *arg, const char *session_id, const char *method, json_t *params)
{
    struct seen *s = arg;
    s->events++;
    if (session_id)
        s->with_session++;
    if (strcmp(method, "Runtime.bindingCalled") == 0 &&
        json_string_value(json_object_get(params, "payload")))
        s->binding_calls++;
    if (strcmp(method, "Tracing.tracingComplete") == 0 &&
        json_is_false(json_object_get(params, "dataLossOccurred")))
        s->tracing_complete++;
    snprintf(s->last_method, sizeof s->last_method, "%s", method);
}

static void test_recorded_session(void)
{
    size_t len;
    char *text = fixture_read_gz("cdp/chromium156-c-hello-session.jsonl.gz", &len);
    CHECK(text != NULL);
    if (!text)
        return;
    struct seen seen = { 0 };
    struct cdp_dispatch d;
    cdp_dispatch_init(&d, 0, on_event, &seen);
    /* The recording's commands had ids 1..13, in order: reserve the same. */
    for (int i = 1; i <= 13; i++)
        CHECK_INT(cdp_dispatch_reserve(&d), i);

    srand(42);
    int messages = 0;
    size_t biggest = 0;
    for (char *line = text, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (!nl)
            break;
        size_t n = (size_t)(nl - line);
        biggest = n > biggest ? n : biggest;
        /* split into random fragments, as libwebsockets hands them over */
        size_t off = 0;
        while (off < n) {
            size_t frag = 1 + (size_t)rand() % 70000;
            if (frag > n - off)
                frag = n - off;
            CHECK_INT(cdp_dispatch_fragment(&d, line + off, frag, off + frag == n), 0);
            off += frag;
        }
        messages++;
    }
    CHECK_INT(messages, 24);
    CHECK(biggest > 400000);          /* the IO.read reply with the trace */
    CHECK_INT(d.messages, 24);
    CHECK_INT(d.bad_messages, 0);
    CHECK_INT(d.replies, 13);
    CHECK_INT(d.events, 11);
    CHECK_INT(seen.events, 11);
    CHECK_INT(seen.binding_calls, 1);
    CHECK_INT(seen.tracing_complete, 1);
    CHECK(seen.with_session >= 8);
    CHECK_STR(seen.last_method, "Target.detachedFromTarget");

    struct cdp_pending *p1 = cdp_dispatch_slot(&d, 1);
    CHECK(p1 && p1->done && !p1->error);
    CHECK_STR(json_string_value(json_object_get(p1->result, "product")),
              "HeadlessChrome/156.0.8078.79");
    struct cdp_pending *p10 = cdp_dispatch_slot(&d, 10);
    CHECK(p10 && p10->done);
    const char *data = json_string_value(json_object_get(p10->result, "data"));
    CHECK(data && strncmp(data, "{\"traceEvents\":[", 16) == 0);
    cdp_dispatch_release(&d, 1);
    CHECK(cdp_dispatch_slot(&d, 1) == NULL);
    cdp_dispatch_free(&d);
    free(text);
}

static void test_hostile_messages(void)
{
    struct seen seen = { 0 };
    struct cdp_dispatch d;
    cdp_dispatch_init(&d, 1024, on_event, &seen);
    int64_t id = cdp_dispatch_reserve(&d);
    static const char *const bad[] = {
        "", "not json", "[1,2,3]", "42", "{\"id\":\"7\"}", "{\"method\":5}",
        "{\"method\":\"X\",\"params\":[]}", "{\"method\":\"X\",\"sessionId\":3}",
        "{\"id\":1.5}", "{\"result\":{}}", "{\"method\":\"X\",\"params\":{}", "\xff\xfe{}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_INT(cdp_dispatch_message(&d, bad[i], strlen(bad[i])), -1);
    CHECK_INT(d.bad_messages, sizeof bad / sizeof bad[0]);
    CHECK_INT(seen.events, 0);

    /* a reply for an id nobody waits for is counted, not trusted */
    const char *stray = "{\"id\":999,\"result\":{}}";
    CHECK_INT(cdp_dispatch_message(&d, stray, strlen(stray)), 0);
    CHECK_INT(d.unmatched_replies, 1);

    /* an error reply fills the slot with the message */
    char err[128];
    snprintf(err, sizeof err, "{\"id\":%lld,\"error\":{\"code\":-32601,\"message\":\"nope\"}}",
             (long long)id);
    CHECK_INT(cdp_dispatch_message(&d, err, strlen(err)), 0);
    struct cdp_pending *p = cdp_dispatch_slot(&d, id);
    CHECK(p && p->done && p->result == NULL);
    CHECK_STR(p ? p->error : NULL, "-32601: nope");

    /* over the 1 KiB limit: dropped and counted, the next message still works */
    char big[2048];
    memset(big, ' ', sizeof big);
    uint64_t before = d.bad_messages;
    CHECK_INT(cdp_dispatch_fragment(&d, big, 700, false), 0);
    CHECK_INT(cdp_dispatch_fragment(&d, big, 700, true), -1);
    CHECK_INT(d.bad_messages, before + 1);
    const char *ev = "{\"method\":\"Page.loadEventFired\",\"params\":{\"timestamp\":1}}";
    CHECK_INT(cdp_dispatch_fragment(&d, ev, 10, false), 0);
    CHECK_INT(cdp_dispatch_fragment(&d, ev + 10, strlen(ev) - 10, true), 0);
    CHECK_STR(seen.last_method, "Page.loadEventFired");

    /* deep nesting is refused by Jansson's depth limit, not a stack overflow */
    size_t depth = 100000;
    char *deep = malloc(depth * 2 + 64);
    size_t k = 0;
    k += (size_t)sprintf(deep, "{\"method\":\"X\",\"params\":{\"a\":");
    for (size_t i = 0; i < depth; i++)
        deep[k++] = '[';
    for (size_t i = 0; i < depth; i++)
        deep[k++] = ']';
    deep[k++] = '}';
    deep[k++] = '}';
    struct cdp_dispatch d2;
    cdp_dispatch_init(&d2, 0, on_event, &seen);
    CHECK_INT(cdp_dispatch_message(&d2, deep, k), -1);
    free(deep);
    cdp_dispatch_free(&d2);

    /* at most CDP_MAX_PENDING outstanding commands */
    struct cdp_dispatch d3;
    cdp_dispatch_init(&d3, 0, NULL, NULL);
    for (int i = 0; i < CDP_MAX_PENDING; i++)
        CHECK(cdp_dispatch_reserve(&d3) > 0);
    CHECK_INT(cdp_dispatch_reserve(&d3), -1);
    cdp_dispatch_free(&d3);
    cdp_dispatch_free(&d);
}

static void test_command_json(void)
{
    size_t len;
    json_t *params = json_pack("{s:s}", "name", "x");
    char *s = cdp_command_json(7, "S1", "Runtime.addBinding", params, &len);
    json_decref(params);   /* borrowed by cdp_command_json */
    CHECK_STR(s, "{\"id\":7,\"method\":\"Runtime.addBinding\",\"params\":{\"name\":\"x\"},\"sessionId\":\"S1\"}");
    CHECK_INT(len, strlen(s));
    free(s);
    s = cdp_command_json(8, NULL, "Browser.close", NULL, &len);
    CHECK_STR(s, "{\"id\":8,\"method\":\"Browser.close\",\"params\":{}}");
    free(s);
}

int main(void)
{
    test_recorded_session();
    test_hostile_messages();
    test_command_json();
    return check_result();
}
