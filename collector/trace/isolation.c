#include "collector/trace/isolation.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* Bounds: a trace has a handful of processes and responses per load; an
 * imported many-load trace must not grow these without limit. */
#define MAX_PROCS 256
#define MAX_RESPONSES 4096

struct proc_seen {
    int64_t pid;
    bool renderer;
    int64_t work_events;       /* other than metadata and RunTask */
    int64_t code_cache_events;
    bool active;               /* any event (RunTask too) in the window */
};

struct response_seen {
    char request_id[64];
    int from_cache, from_sw;
};

struct isolation {
    struct proc_seen procs[MAX_PROCS];
    size_t n_procs;
    struct response_seen *responses;   /* grown on demand: a load has a handful */
    size_t n_responses, cap_responses;
    int64_t documents;
    bool windowed;
    int64_t span_from_us, from_us, to_us;
};

struct isolation *isolation_new(void)
{
    /* The responses grow from nothing: a batch holds one isolation per
     * load, and 4096 responses each (~290 KB) came to ~9 MB of RSS for a
     * batch of 30 (heaptrack, issue 12's memory target). */
    return xcalloc(1, sizeof(struct isolation));
}

void isolation_free(struct isolation *iso)
{
    if (!iso)
        return;
    free(iso->responses);
    free(iso);
}

void isolation_set_window(struct isolation *iso, int64_t span_from_us, int64_t from_us,
                          int64_t to_us)
{
    iso->windowed = true;
    iso->span_from_us = span_from_us < from_us ? span_from_us : from_us;
    iso->from_us = from_us;
    iso->to_us = to_us;
}

static struct proc_seen *proc(struct isolation *iso, int64_t pid)
{
    for (size_t i = 0; i < iso->n_procs; i++)
        if (iso->procs[i].pid == pid)
            return &iso->procs[i];
    if (iso->n_procs == MAX_PROCS)
        return NULL;
    struct proc_seen *p = &iso->procs[iso->n_procs++];
    memset(p, 0, sizeof *p);
    p->pid = pid;
    return p;
}

static int flag(const struct trace_event *ev, const char *key)
{
    const char *t = trace_event_arg_text(ev, key);
    if (!t)
        return -1;
    return strcmp(t, "true") == 0 ? 1 : 0;
}

void isolation_event(void *arg, const struct trace_event *ev)
{
    struct isolation *iso = arg;
    struct proc_seen *p = proc(iso, ev->pid);
    if (!p)
        return;
    const char *name = ev->name;
    if (ev->ph == 'M') {
        if (strcmp(name, "process_name") == 0) {
            const char *pn = trace_event_arg_text(ev, "name");
            if (pn && strcmp(pn, "Renderer") == 0)
                p->renderer = true;
        }
        return;
    }
    bool timed = ev->ts_us != INT64_MIN;
    bool in_span = !iso->windowed || (timed && ev->ts_us >= iso->span_from_us &&
                                      ev->ts_us <= iso->to_us);
    bool in_window = !iso->windowed || (timed && ev->ts_us >= iso->from_us &&
                                        ev->ts_us <= iso->to_us);
    if (strcmp(name, "ResourceReceiveResponse") == 0 && iso->n_responses < MAX_RESPONSES) {
        const char *req = trace_event_arg_text(ev, "data.requestId");
        if (iso->n_responses == iso->cap_responses) {
            iso->cap_responses = iso->cap_responses ? iso->cap_responses * 2 : 16;
            iso->responses = xrealloc(iso->responses,
                                      iso->cap_responses * sizeof *iso->responses);
        }
        struct response_seen *r = &iso->responses[iso->n_responses++];
        snprintf(r->request_id, sizeof r->request_id, "%s", req ? req : "");
        r->from_cache = flag(ev, "data.fromCache");
        r->from_sw = flag(ev, "data.fromServiceWorker");
    }
    if (!in_span)
        return;
    if (in_window) {
        p->active = true;
        if (strcmp(name, "RunTask") != 0 && strcmp(name, "ThreadControllerImpl::RunTask") != 0)
            p->work_events++;
    }
    if (strcmp(name, "v8.wasm.moduleCacheHit") == 0 || strcmp(name, "wasm.Deserialize") == 0)
        p->code_cache_events++;
    if (strcmp(name, "ResourceSendRequest") == 0) {
        const char *type = trace_event_arg_text(ev, "data.resourceType");
        if (type && strcmp(type, "Document") == 0)
            iso->documents++;
    }
}

void isolation_finish(struct isolation *iso, int64_t renderer_pid, const char *request_id,
                      struct isolation_result *out)
{
    memset(out, 0, sizeof *out);
    out->from_cache = out->from_service_worker = -1;
    out->documents = iso->documents;
    for (size_t i = 0; request_id && request_id[0] && i < iso->n_responses; i++) {
        const struct response_seen *r = &iso->responses[i];
        if (strcmp(r->request_id, request_id) == 0) {
            out->from_cache = r->from_cache;
            out->from_service_worker = r->from_sw;
            break;   /* the first response of the request, as extract takes */
        }
    }
    for (size_t i = 0; i < iso->n_procs; i++) {
        const struct proc_seen *p = &iso->procs[i];
        if (p->pid == renderer_pid) {
            out->code_cache_events += p->code_cache_events;
        } else if (p->renderer && (!iso->windowed || p->active)) {
            out->other_renderers++;
            out->other_renderer_events += p->work_events;
        }
    }
}

void isolation_describe(const struct isolation_result *r, int renderer_pid_new,
                        int64_t encoded_data_length, char *out, size_t len)
{
    const struct { bool hit; const char *what; } seen[] = {
        { renderer_pid_new == 0, "pid_reused" },
        { r->from_cache == 1, "from_cache" },
        { r->from_service_worker == 1, "from_service_worker" },
        { encoded_data_length == 0, "no_wire_bytes" },
        { r->code_cache_events > 0, "code_cache_hit" },
        { r->other_renderer_events > 0, "other_renderer_busy" },
        { r->documents > 1, "extra_document" },
    };
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < sizeof seen / sizeof seen[0]; i++) {
        if (!seen[i].hit || used >= len)
            continue;
        int n = snprintf(out + used, len - used, "%s%s", used ? "," : "", seen[i].what);
        used += n > 0 ? (size_t)n : 0;
    }
    if (!out[0])
        snprintf(out, len, "isolated");
}
