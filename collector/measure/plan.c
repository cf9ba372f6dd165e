#define _GNU_SOURCE
#include "collector/measure/plan.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <libwebsockets.h>

#include "cdp/browser.h"
#include "cdp/cdp.h"
#include "cdp/session.h"
#include "collector/cli/exit_codes.h"
#include "collector/measure/browser_slots.h"
#include "collector/measure/load.h"
#include "collector/measure/progress.h"
#include "collector/wasm/manifest.h"
#include "collector/measure/server.h"
#include "base/stats.h"
#include "collector/measure/store.h"
#include "collector/report/cache_summary.h"
#include "collector/report/run_summary.h"
#include "base/util.h"
#include "db/loads.h"
#include "db/runs.h"
#include "wasmlab_config.h"

struct run_module {
    char name[256];
    char file[4096];
    char url[512];              /* URL path served */
    const char *runtime;        /* static */
    char stdin_url[512];
    char *args_json;            /* borrowed from the manifest */
    struct db_module row;
    char sha256[65];
    int64_t id;
};


const char *const plan_trace_formats[] = { "json", "proto", NULL };

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

static void install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;   /* no SA_RESTART: poll() wakes up */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}


/* Checks an outside module file: exists, regular, non-empty, wasm magic. */
static int check_wasm_file(const char *path, struct run_module *rm, int index)
{
    size_t len = 0;
    uint8_t *data = read_whole_file(path, &len);
    if (!data) {
        warnf("run: module file %s: %s", path, strerror(errno));
        return -1;
    }
    static const uint8_t magic[8] = { 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00 };
    int rc = 0;
    if (len == 0) {
        warnf("run: module file %s: empty file", path);
        rc = -1;
    } else if (len < 8 || memcmp(data, magic, 8) != 0) {
        warnf("run: module file %s: not a WebAssembly binary (no \\0asm version 1 header)", path);
        rc = -1;
    } else {
        sha256_hex(data, len, rm->sha256);
        rm->row.bytes = (int64_t)len;
    }
    free(data);
    if (rc < 0)
        return -1;
    /* The content hash in the name: two different files called x.wasm stay
     * two modules, and one file keeps its name across runs (db/README.md). */
    const char *base = strrchr(path, '/');
    snprintf(rm->name, sizeof rm->name, "file:%.200s@%.8s", base ? base + 1 : path, rm->sha256);
    snprintf(rm->file, sizeof rm->file, "%s", path);
    /* A fixed ASCII URL: the trace's URL then matches without encoding
     * questions, whatever the file is called. */
    snprintf(rm->url, sizeof rm->url, "/ext/%d.wasm", index);
    rm->runtime = "none";
    rm->args_json = NULL;
    rm->row.name = rm->name;
    rm->row.path = rm->file;
    rm->row.sha256 = rm->sha256;
    return 0;
}

static int resolve_modules(const struct plan *cfg, const struct manifest *mf,
                           struct run_module *mods, int *n_mods)
{
    int n = 0;
    for (int i = 0; i < cfg->n_names; i++) {
        const struct manifest_module *mm = manifest_find(mf, cfg->module_names[i]);
        if (!mm) {
            warnf("run: unknown module %s (not in %s; see modules/README.md)",
                  cfg->module_names[i], mf->path);
            return -1;
        }
        struct run_module *rm = &mods[n++];
        struct stat st;
        if (stat(mm->file, &st) < 0) {
            warnf("run: module %s: file %s: %s (rebuild the modules)", mm->name, mm->file,
                  strerror(errno));
            return -1;
        }
        snprintf(rm->name, sizeof rm->name, "%s", mm->name);
        snprintf(rm->file, sizeof rm->file, "%s", mm->file);
        snprintf(rm->url, sizeof rm->url, "/modules/%s", mm->rel_file);
        rm->runtime = mm->runtime && strcmp(mm->runtime, "gojs") == 0 ? "gojs"
                    : mm->runtime && strcmp(mm->runtime, "wasi") == 0 ? "wasi" : "none";
        if (mm->stdin_rel)
            snprintf(rm->stdin_url, sizeof rm->stdin_url, "/modules/%s", mm->stdin_rel);
        rm->args_json = mm->args_json;
        snprintf(rm->sha256, sizeof rm->sha256, "%s", mm->sha256 ? mm->sha256 : "");
        rm->row = (struct db_module){
            .name = rm->name, .path = rm->file, .language = mm->language,
            .workload = mm->workload, .target = mm->target, .toolchain = mm->toolchain,
            .toolchain_version = mm->toolchain_version, .build_flags = mm->flags,
            .bytes = mm->bytes, .sha256 = rm->sha256,
        };
    }
    for (int i = 0; i < cfg->n_files; i++) {
        if (check_wasm_file(cfg->module_files[i], &mods[n], i) < 0)
            return -1;
        n++;
    }
    *n_mods = n;
    return 0;
}

/* ---- the browser and its connection ---- */

struct live_browser {
    struct browser_session bs;     /* process, connection, identity (cdp/session.h) */
    struct load_session session;
    int64_t db_id;
    long last_used;                /* exec's use clock: the least recent is closed first */
};

static int watchdog(void *arg)
{
    struct live_browser *lb = arg;
    return stop_signal != 0 || !browser_alive(lb->bs.proc);
}

/* graceful: ask with Browser.close first; a lost (hung) browser is killed. */
static void browser_down(struct live_browser *lb, bool graceful)
{
    load_session_close(&lb->session);
    browser_session_close(&lb->bs, graceful);
    browser_reap_orphans();
}

static int browser_up(struct live_browser *lb, struct lws_context *ctx, const char *path,
                      const char *const *extra_args, struct db *db, int http_port,
                      int page_timeout_ms, int trace_buffer_kb, char *err, size_t errlen)
{
    /* a restarted browser keeps the settle time its slot learned (load.c) */
    /* The serial loop (each load opens its own page) is the default: opening
     * the next page while a trace is extracted and stored measured slower
     * on 2 cores (bench/README.md: 1.08-1.12 vs 1.53-1.58 loads/s).
     * WASMLAB_PIPELINE=1 turns pipelining on, for bench/throughput.sh. */
    const char *pipe_env = getenv("WASMLAB_PIPELINE");
    lb->session = (struct load_session){ .http_port = http_port,
                                         .page_timeout_ms = page_timeout_ms,
                                         .keep_trace = true,
                                         .trace_buffer_kb = trace_buffer_kb,
                                         .settle_ms = lb->session.settle_ms,
                                         .no_prepare = !(pipe_env && strcmp(pipe_env, "1") == 0) };
    struct browser_session_options so = {
        .browser = { .path = path, .extra_args = extra_args },
        .ctx = ctx, .on_event = load_on_event, .event_arg = &lb->session,
        .watchdog = watchdog, .watchdog_arg = lb,
    };
    char why[512];
    int step = browser_session_open(&lb->bs, &so, why, sizeof why);
    if (step == SESSION_LAUNCH)
        snprintf(err, errlen, "%s", why);
    else if (step != SESSION_OK)
        snprintf(err, errlen, "browser %s: %s", path, why);
    if (step != SESSION_OK)
        return -1;
    lb->session.cdp = lb->bs.cdp;
    lb->session.browser_pgid = lb->bs.proc->proc.pid;   /* its own group (base/spawn) */
    const struct browser_identity *id = &lb->bs.id;
    struct db_browser row = {
        .path = path, .kind = id->kind, .product = id->product, .revision = id->revision,
        .v8_version = id->v8_version, .user_agent = id->user_agent,
        .protocol_version = id->protocol_version,
    };
    int rc = db_upsert_browser(db, &row, &lb->db_id);
    if (rc < 0) {
        snprintf(err, errlen, "%s", db_errmsg(db));
        browser_down(lb, true);
        return -1;
    }
    return 0;
}

static void lws_log(int level, const char *line)
{
    if (level == LLL_ERR)
        fprintf(stderr, "wasmlab: libwebsockets: %s", line);
}

/* ---- executing a plan ---- */

struct config {
    int browser, module, condition;
    const char *api;
    int64_t stored;             /* loads already in the run (--resume) */
    int slot;                   /* the live browser serving it (browser_slots.h) */
    int order;                  /* position before sorting by slot */
};

static bool config_in_shard(const struct plan *p, int index)
{
    return plan_config_shard(p, index) == p->shard_k || p->shard_n <= 1;
}

/* What executing a plan shares between its loads. */
struct exec {
    struct plan *p;
    struct live_browser *lbs;      /* one per browser slot */
    const struct browser_slots *slots;
    int max_alive;                 /* live browsers at most (slots beyond: closed LRU) */
    long use_clock;
    struct run_module *mods;
    struct db *db;
    struct lws_context *ctx;
    struct server *srv;
    int64_t run_id;
    char run_uuid[40];
    int page_timeout_ms;
    bool tty;
    int64_t t_start;
    long total, done, failed, crashes;
    /* --batch: loads measured in the open tracing session, not yet stored */
    struct pending_load *pend;
    int n_pend, pend_slot;
};

/* A batched load waiting for its batch's trace (load_flush). */
struct pending_load {
    struct config *cf;
    long seq;
    bool warm;
    const char *args;
    char started[40];
    struct load_outcome o;
};

/* The progress line (collector/measure/progress.h: on a terminal only). */
static void show_progress(struct exec *x)
{
    double el = (double)(mono_us() - x->t_start) / 1e6;
    long left = x->total > x->done ? x->total - x->done : 0;
    progress_show("[%ld/%ld] %ld failed, ETA %.0f s", x->done, x->total, x->failed,
                  x->done > 0 ? el / (double)x->done * (double)left : 0.0);
}

/* Before slot's browser starts: when max_alive are up, the least recently
 * used other one is closed (a flag set's browser is started again when its
 * turn comes). */
static void make_room(struct exec *x, int slot)
{
    for (;;) {
        int alive = 0, lru = -1;
        for (int i = 0; i < x->slots->n; i++) {
            if (!x->lbs[i].bs.proc || i == slot)
                continue;
            alive++;
            if (lru < 0 || x->lbs[i].last_used < x->lbs[lru].last_used)
                lru = i;
        }
        if (alive < x->max_alive || lru < 0)
            return;
        browser_down(&x->lbs[lru], true);
    }
}

/* Starts slot's browser if it is not up. On failure err says why. */
static int start_slot(struct exec *x, int slot, char *err, size_t errlen)
{
    struct live_browser *lb = &x->lbs[slot];
    lb->last_used = ++x->use_clock;
    if (lb->bs.proc)
        return 0;
    make_room(x, slot);
    const struct browser_slot *s = &x->slots->v[slot];
    bool first = lb->db_id == 0;
    int rc = browser_up(lb, x->ctx, x->p->browsers[s->browser].path, s->args, x->db,
                        server_port(x->srv), x->page_timeout_ms, (int)x->p->trace_buffer_kb,
                        err, errlen);
    lb->session.server = x->srv;   /* network conditions and the send log */
    lb->session.batch = (int)x->p->batch;
    lb->session.trace_proto = x->p->trace_proto;
    const struct browser_identity *id = &lb->bs.id;
    if (rc == 0 && first)   /* said once per flag set, not at every restart */
        notef("browser %s (%s, V8 %s)%s%s", id->product ? id->product : "?", id->kind,
              id->v8_version ? id->v8_version : "?", s->js_switch ? " " : "",
              s->js_switch ? s->js_switch : "");
    return rc;
}

static int ensure_browser(struct exec *x, int slot)
{
    char err[1024];
    int rc = start_slot(x, slot, err, sizeof err);
    if (rc < 0)
        warnf("%s", err);
    return rc;
}

/* How many loads of cf the run already holds (--resume), and so how many
 * are still to do. */
static int count_stored(struct exec *x, struct config *cf)
{
    if (!x->lbs[cf->slot].db_id && ensure_browser(x, cf->slot) < 0)
        return -1;   /* probe_browsers started every slot once: db_id is known */
    const char *cond = x->p->conditions[cf->condition].name;
    if (db_count_config_loads(x->db, x->run_id, x->lbs[cf->slot].db_id, x->mods[cf->module].id,
                              cf->api, cond, &cf->stored) < 0) {
        warnf("%s: %s", x->p->command, db_errmsg(x->db));
        return -1;
    }
    x->total += x->p->loads > cf->stored ? x->p->loads - (long)cf->stored : 0;
    return 0;
}

/* --save-traces: the raw trace is written under a name of this process while
 * the load runs, and renamed after the id store_load returns: load-ID.json. */
static char *pending_trace_path(const char *dir)
{
    return xasprintf("%s/.load-pending-%ld.json", dir, (long)getpid());
}

static void name_saved_trace(struct exec *x, const char *pending, int64_t load_id, bool stored)
{
    if (!stored) {
        unlink(pending);   /* no load row to name it after */
        return;
    }
    char *final = xasprintf("%s/load-%lld.json", x->p->save_traces, (long long)load_id);
    if (rename(pending, final) < 0 && errno != ENOENT) {
        warnf("%s: --save-traces: %s: %s", x->p->command, final, strerror(errno));
    }
    free(final);
}

/* A killed browser's sockets close before its exit is waitable: give it a
 * moment, so a crash is not mistaken for a dropped connection. */
static void classify_lost_browser(struct live_browser *lb, struct load_outcome *o)
{
    if (o->browser_lost && browser_wait_exit(lb->bs.proc, 500)) {
        char how[64];
        browser_describe_exit(lb->bs.proc, how, sizeof how);
        snprintf(o->status, sizeof o->status, "browser_crashed");
        snprintf(o->error, sizeof o->error, "the browser died mid-load (%s)", how);
    }
}

/* A batched load's share of its batch's trace (store_batch). */
struct batch_trace {
    bool keep;                     /* this load stores the batch's trace */
    int64_t trace_load_id;         /* else: the load that stored it, 0 none */
};

/* Stores one measured load of cf and counts it. bt: NULL for a load traced
 * alone. Returns 0 or -1. */
static int record_load(struct exec *x, struct config *cf, long seq, const char *started,
                       const char *args, struct load_outcome *o,
                       const struct code_cache_prime *prime, const struct batch_trace *bt,
                       int64_t *load_id)
{
    struct run_module *rm = &x->mods[cf->module];
    const struct plan_condition *cond = &x->p->conditions[cf->condition];
    struct load_key key = { .run_id = x->run_id, .browser_id = x->lbs[cf->slot].db_id,
                            .module_id = rm->id, .seq = seq, .api = cf->api,
                            .condition = cond->name, .started_at = started,
                            .args_json = args, .js_churn_mb = (int)cond->js_churn_mb,
                            .net = &cond->net, .cache = cache_mode_name(cond->cache),
                            .prime = cond->cache == CACHE_WARM ? prime : NULL };
    const struct browser_slot *bslot = &x->slots->v[cf->slot];
    struct live_browser *lb = &x->lbs[cf->slot];
    key.browser_pid = lb->bs.proc ? (int64_t)lb->bs.proc->proc.pid : DB_NULL;
    key.v8_tier = cond->v8_tier ? cond->v8_tier : "default";
    key.js_flags = bslot->js_flags;
    key.browser_flags = bslot->flags_json;
    key.drop_trace = bt ? !bt->keep
                        : !db_keep_rule_keeps(&x->p->keep, strcmp(o->status, "ok") == 0, seq);
    key.trace_load_id = bt ? bt->trace_load_id : 0;
    int rc = store_load(x->db, &key, o, load_id);
    x->done++;
    cf->stored++;
    if (strcmp(o->status, "ok") != 0) {
        x->failed++;
        if (!x->tty)
            notef("load %ld/%ld %s: %s: %s", x->done, x->total, rm->name, o->status, o->error);
    }
    if (strcmp(o->status, "browser_crashed") == 0)
        x->crashes++;
    show_progress(x);
    return rc;
}

/* Stores a read batch in load order. Its trace is kept when the rule keeps
 * any of its stored loads' (it holds them all), with the first stored load;
 * the others point there. */
static int store_batch(struct exec *x)
{
    struct pending_load *holder = NULL;
    bool keep = false;
    for (int i = 0; i < x->n_pend; i++) {
        struct pending_load *pl = &x->pend[i];
        if (pl->warm || (stop_signal && strcmp(pl->o.status, "ok") != 0))
            continue;    /* not stored: warm-up, or interrupted (not a result) */
        if (!holder)
            holder = pl;
        keep |= db_keep_rule_keeps(&x->p->keep, strcmp(pl->o.status, "ok") == 0, pl->seq);
    }
    if (holder && holder != &x->pend[0] && x->pend[0].o.have_trace_copy) {
        holder->o.trace_copy = x->pend[0].o.trace_copy;   /* load_flush put it first */
        holder->o.have_trace_copy = true;
        memset(&x->pend[0].o.trace_copy, 0, sizeof x->pend[0].o.trace_copy);
        x->pend[0].o.have_trace_copy = false;
    }
    int rc = 0;
    int64_t trace_load = 0;
    for (int i = 0; i < x->n_pend && rc == 0; i++) {
        struct pending_load *pl = &x->pend[i];
        if (pl->warm || (stop_signal && strcmp(pl->o.status, "ok") != 0))
            continue;
        classify_lost_browser(&x->lbs[x->pend_slot], &pl->o);
        int64_t id = 0;
        struct batch_trace bt = { .keep = keep && pl == holder,
                                  .trace_load_id = keep && pl != holder ? trace_load : 0 };
        rc = record_load(x, pl->cf, pl->seq, pl->started, pl->args, &pl->o, NULL, &bt, &id);
        if (pl == holder && rc == 0)
            trace_load = id;
    }
    return rc;
}

/* Ends the open batch: its trace read and split (load_flush), its loads
 * stored. Returns 0, or -1 when the run cannot go on. */
static int flush_batch(struct exec *x)
{
    if (x->n_pend == 0)
        return 0;
    struct live_browser *lb = &x->lbs[x->pend_slot];
    struct load_outcome *outs[PLAN_BATCH_MAX];
    for (int i = 0; i < x->n_pend; i++)
        outs[i] = &x->pend[i].o;
    lb->session.keep_trace = x->p->keep.kind != DB_KEEP_NONE;
    bool lost = load_flush(&lb->session, outs, (size_t)x->n_pend) < 0;
    int rc = store_batch(x);
    for (int i = 0; i < x->n_pend; i++) {
        lost |= !(stop_signal && strcmp(x->pend[i].o.status, "ok") != 0) &&
                x->pend[i].o.browser_lost;
        load_outcome_free(&x->pend[i].o);
    }
    x->n_pend = 0;
    if (lost && lb->bs.proc) {
        notef("restarting the browser with a fresh profile");
        browser_down(lb, false);
    }
    return rc;
}

/* One batched load of cf: measured now, stored when its batch is flushed. */
static int batch_load(struct exec *x, struct config *cf, long seq, bool warm,
                      const struct load_request *req, const char *args)
{
    if (x->n_pend > 0 && x->pend_slot != cf->slot && flush_batch(x) < 0)
        return -1;
    struct live_browser *lb = &x->lbs[cf->slot];
    if (!x->pend)
        x->pend = xcalloc(PLAN_BATCH_MAX, sizeof *x->pend);
    struct pending_load *pl = &x->pend[x->n_pend++];
    *pl = (struct pending_load){ .cf = cf, .seq = seq, .warm = warm, .args = args };
    utc_iso8601(pl->started, sizeof pl->started);
    x->pend_slot = cf->slot;
    load_run(&lb->session, req, &pl->o);
    if (x->n_pend >= x->p->batch || pl->o.browser_lost || !lb->session.batch_tracing)
        return flush_batch(x);
    return 0;
}

/* One load of configuration cf (stored as round seq unless warm). Returns
 * 0, or -1 when the run cannot go on (no browser, DB write failed). */
static int load_config(struct exec *x, struct config *cf, long seq, bool warm)
{
    struct plan *p = x->p;
    if (x->n_pend > 0 && x->pend_slot != cf->slot && flush_batch(x) < 0)
        return -1;
    if (ensure_browser(x, cf->slot) < 0)
        return -1;
    struct live_browser *lb = &x->lbs[cf->slot];
    struct run_module *rm = &x->mods[cf->module];
    const struct plan_condition *cond = &p->conditions[cf->condition];
    const char *args = cond->args_json ? cond->args_json : rm->args_json;
    struct load_request req = {
        .module_url = rm->url, .runtime = rm->runtime, .api = cf->api,
        .stdin_url = rm->stdin_url[0] ? rm->stdin_url : NULL, .args_json = args,
        .execjs_url = "/modules/wasm_exec.js", .js_churn_mb = (int)cond->js_churn_mb,
        .net = &cond->net,
    };
    if (cond->cache != CACHE_WARM && !p->save_traces &&
        load_batchable(&lb->session, &req))
        return batch_load(x, cf, seq, warm, &req, args);
    if (flush_batch(x) < 0)
        return -1;
    char load_started[40];
    utc_iso8601(load_started, sizeof load_started);
    char *trace_path = p->save_traces && !warm ? pending_trace_path(p->save_traces) : NULL;
    lb->session.save_trace_path = trace_path;
    lb->session.keep_trace = !warm;
    struct load_outcome o;
    struct code_cache_prime prime = { 0 };
    if (cond->cache == CACHE_WARM)
        code_cache_warm_load(&lb->session, &req, &o, &prime);
    else
        load_run(&lb->session, &req, &o);
    lb->session.save_trace_path = NULL;
    bool interrupted = stop_signal && strcmp(o.status, "ok") != 0;   /* not a result */
    int src = 0;
    int64_t load_id = 0;
    bool stored = false;
    if (!interrupted) {
        classify_lost_browser(lb, &o);
        if (!warm) {
            src = record_load(x, cf, seq, load_started, args, &o, &prime, NULL, &load_id);
            stored = src == 0;
        }
    }
    if (trace_path) {
        name_saved_trace(x, trace_path, load_id, stored);
        free(trace_path);
    }
    bool lost = !interrupted && o.browser_lost;
    load_outcome_free(&o);
    if (lost) {
        notef("restarting the browser with a fresh profile");
        browser_down(lb, false);
    }
    return src;
}

/* ok first-byte-to-compile samples (ms) of one configuration in the run */
static size_t config_samples(struct exec *x, const struct config *cf, double **out)
{
    struct db_config dc = { .run_id = x->run_id, .browser_id = x->lbs[cf->slot].db_id,
                            .module_id = x->mods[cf->module].id, .api = cf->api,
                            .condition = x->p->conditions[cf->condition].name };
    size_t n = 0;
    if (db_config_first_byte_ms(x->db, &dc, out, &n) < 0) {
        warnf("%s: %s", x->p->command, db_errmsg(x->db));
    }
    return n;
}

/* Tachometer-style auto-sampling: pairs are (baseline browser, another
 * browser) with the same module, api and condition. While a pair's 95%
 * bootstrap CI of the difference of medians is wider than the target and
 * neither side has max loads, both sides get one more load per round. Why
 * each pair stopped is stored in auto_sampling. */
static int auto_sample(struct exec *x, struct config *configs, int n_configs)
{
    struct plan *p = x->p;
    struct pair { int base, cand; bool done; const char *reason; double lo, hi; } *pairs;
    pairs = xcalloc((size_t)n_configs + 1, sizeof *pairs);
    int n_pairs = 0;
    for (int i = 0; i < n_configs; i++) {
        if (configs[i].browser != p->auto_baseline)
            continue;
        for (int j = 0; j < n_configs; j++)
            if (configs[j].browser != p->auto_baseline && configs[j].module == configs[i].module &&
                configs[j].condition == configs[i].condition &&
                strcmp(configs[j].api, configs[i].api) == 0)
                pairs[n_pairs++] = (struct pair){ i, j, false, NULL, NAN, NAN };
    }
    int rc = EXIT_OK;
    for (long round = p->loads; n_pairs > 0 && rc == EXIT_OK; round++) {
        bool *want = xcalloc((size_t)n_configs, sizeof *want);
        bool any = false;
        for (int k = 0; k < n_pairs; k++) {
            struct pair *pr = &pairs[k];
            if (pr->done)
                continue;
            double *a, *b;
            size_t na = config_samples(x, &configs[pr->base], &a);
            size_t nb = config_samples(x, &configs[pr->cand], &b);
            stats_bootstrap_median_diff(a, na, b, nb, 1000, 0.95, 1, &pr->lo, &pr->hi);
            free(a);
            free(b);
            if (!isnan(pr->lo) && pr->hi - pr->lo <= p->auto_width_ms) {
                pr->done = true;
                pr->reason = "ci_narrow";
            } else if (configs[pr->base].stored >= p->auto_max &&
                       configs[pr->cand].stored >= p->auto_max) {
                pr->done = true;
                pr->reason = "max_loads";
            } else if (stop_signal) {
                pr->done = true;
                pr->reason = "interrupted";
            } else {
                want[pr->base] = configs[pr->base].stored < p->auto_max;
                want[pr->cand] = configs[pr->cand].stored < p->auto_max;
                any = true;
            }
        }
        for (int i = 0; any && i < n_configs && !stop_signal && rc == EXIT_OK; i++)
            if (want[i]) {
                x->total++;
                if (load_config(x, &configs[i], round, false) < 0)
                    rc = EXIT_ERROR;
            }
        if (flush_batch(x) < 0)   /* the next round reads this one's loads */
            rc = EXIT_ERROR;
        free(want);
        if (!any)
            break;
    }
    for (int k = 0; k < n_pairs; k++) {
        struct pair *pr = &pairs[k];
        const struct config *b = &configs[pr->base], *c = &configs[pr->cand];
        if (db_insert_auto_sampling(x->db, x->run_id, x->mods[b->module].id, b->api,
                                    p->conditions[b->condition].name, x->lbs[b->slot].db_id,
                                    x->lbs[c->slot].db_id, b->stored, c->stored, pr->lo, pr->hi,
                                    p->auto_width_ms, pr->reason ? pr->reason : "interrupted") < 0) {
            warnf("%s: %s", p->command, db_errmsg(x->db));
        }
    }
    free(pairs);
    return rc;
}

/* ---- plan_execute, in its steps ---- */

/* What plan_execute owns; released by release_resources. */
struct resources {
    struct manifest mf;
    struct run_module *mods;
    int n_mods;
    struct live_browser *lbs;
    struct config *configs;
    int n_configs;
    struct browser_slots slots;
    struct db *db;
    struct lws_context *ctx;
    struct server *srv;
};

/* Everything given is checked before anything is written: modules, the
 * pages folder, the browsers, --save-traces. Returns EXIT_OK or EXIT_USAGE. */
static int check_inputs(struct plan *p, struct resources *rs)
{
    const char *cmd = p->command;
    char err[1024];
    struct stat st;
    if (p->n_names > 0 && manifest_load(p->manifest_path, &rs->mf, err, sizeof err) < 0) {
        warnf("%s: %s", cmd, err);
        return EXIT_USAGE;
    }
    if (resolve_modules(p, &rs->mf, rs->mods, &rs->n_mods) < 0)
        return EXIT_USAGE;
    if (stat(p->pages_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        warnf("%s: pages folder %s does not exist (--pages)", cmd, p->pages_dir);
        return EXIT_USAGE;
    }
    for (int b = 0; b < p->n_browsers; b++) {
        const char *path = p->browsers[b].path;
        if (stat(path, &st) < 0) {
            warnf("%s: browser %s: %s", cmd, path, strerror(errno));
            return EXIT_USAGE;
        }
        if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0) {
            warnf("%s: browser %s: not an executable file", cmd, path);
            return EXIT_USAGE;
        }
    }
    for (int c = 0; c < p->n_conditions; c++)
        if (!p->conditions[c].net.profile[0])
            net_default(&p->conditions[c].net);
    if (p->save_traces && (stat(p->save_traces, &st) < 0 || !S_ISDIR(st.st_mode))) {
        warnf("%s: --save-traces %s: not an existing folder", cmd, p->save_traces);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

long plan_config_count(const struct plan *p)
{
    return (long)p->n_browsers * (p->n_names + p->n_files) * p->n_apis * p->n_conditions;
}

void plan_config_at(const struct plan *p, long index, struct plan_config_ref *out)
{
    long n_mods = p->n_names + p->n_files;
    out->condition = (int)(index % p->n_conditions);
    index /= p->n_conditions;
    out->api = (int)(index % p->n_apis);
    index /= p->n_apis;
    out->module = (int)(index % n_mods);
    out->browser = (int)(index / n_mods);
}

int plan_config_shard(const struct plan *p, long index)
{
    return p->shard_n <= 1 ? 1 : (int)(index % p->shard_n) + 1;
}

/* Within a round, configurations served by one browser run one after the
 * other, so a flag set's browser starts at most once a round; otherwise
 * the fixed order. */
static int by_slot_then_order(const void *a, const void *b)
{
    const struct config *ca = a, *cb = b;
    if (ca->slot != cb->slot)
        return ca->slot < cb->slot ? -1 : 1;
    return ca->order < cb->order ? -1 : ca->order > cb->order;
}

/* The configurations of this shard, in plan_config_at's order (shards slice
 * it by index), then grouped by the browser serving them. */
static int build_configs(struct plan *p, struct resources *rs)
{
    char err[512];
    if (browser_slots_build(p, &rs->slots, err, sizeof err) < 0) {
        warnf("%s: %s", p->command, err);
        return EXIT_USAGE;
    }
    long count = plan_config_count(p);
    rs->configs = xcalloc((size_t)count + 1, sizeof *rs->configs);
    for (long index = 0; index < count; index++) {
        if (!config_in_shard(p, (int)index))
            continue;
        struct plan_config_ref ref;
        plan_config_at(p, index, &ref);
        rs->configs[rs->n_configs] = (struct config){
            ref.browser, ref.module, ref.condition, p->apis[ref.api], 0,
            browser_slot_of(&rs->slots, ref.browser, ref.condition), rs->n_configs };
        rs->n_configs++;
    }
    if (rs->n_configs == 0) {
        warnf("%s: shard %d/%d of %ld configurations is empty", p->command, p->shard_k,
              p->shard_n, count);
        return EXIT_USAGE;
    }
    qsort(rs->configs, (size_t)rs->n_configs, sizeof *rs->configs, by_slot_then_order);
    return EXIT_OK;
}

/* The event loop and the HTTP server with the pages and modules mounted. */
static int start_serving(struct plan *p, struct resources *rs)
{
    const char *cmd = p->command;
    char err[1024];
    install_signal_handlers();
    browser_become_subreaper();
    int stale = browser_cleanup_stale();
    if (stale > 0)
        notef("removed %d browser profile(s) left by a wasmlab that was killed", stale);
    lws_set_log_level(LLL_ERR, lws_log);
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
    info.port = CONTEXT_PORT_NO_LISTEN;
    rs->ctx = lws_create_context(&info);
    if (!rs->ctx) {
        warnf("%s: cannot create the event loop", cmd);
        return EXIT_ERROR;
    }
    rs->srv = server_start(rs->ctx, err, sizeof err);
    if (!rs->srv) {
        warnf("%s: %s", cmd, err);
        return EXIT_ERROR;
    }
    server_mount_dir(rs->srv, "/pages/", p->pages_dir);
    if (rs->mf.dir)
        server_mount_dir(rs->srv, "/modules/", rs->mf.dir);
    for (int i = 0; i < rs->n_mods; i++)
        if (strncmp(rs->mods[i].url, "/ext/", 5) == 0 &&
            server_map_file(rs->srv, rs->mods[i].url, rs->mods[i].file) < 0) {
            warnf("%s: module file %s: cannot serve it", cmd, rs->mods[i].file);
            return EXIT_ERROR;
        }
    return EXIT_OK;
}

/* A slot's browser would not start: is it its flags? A bare start of the
 * same executable (no extra flags) tells; then the flags are bad input. */
static bool flags_to_blame(struct exec *x, int slot)
{
    const struct browser_slot *s = &x->slots->v[slot];
    if (!s->args[0])
        return false;
    struct live_browser bare;
    memset(&bare, 0, sizeof bare);
    static const char *const none[] = { NULL };
    char err[1024];
    make_room(x, -1);
    int rc = browser_up(&bare, x->ctx, x->p->browsers[s->browser].path, none, x->db,
                        server_port(x->srv), x->page_timeout_ms, (int)x->p->trace_buffer_kb,
                        err, sizeof err);
    if (rc == 0)
        browser_down(&bare, true);
    return rc == 0;
}

/* Every flag set's browser is started once before anything runs (and
 * before the run is stored): flags that stop a browser from starting are a
 * usage error naming them (exit 2), a browser that does not start at all
 * is exit 1, as always. */
static int probe_browsers(struct exec *x)
{
    /* last slot first: the first slots the rounds use are still up after */
    for (int i = x->slots->n - 1; i >= 0; i--) {
        char err[1024];
        if (start_slot(x, i, err, sizeof err) == 0)
            continue;
        const struct browser_slot *s = &x->slots->v[i];
        if (flags_to_blame(x, i)) {
            warnf("%s: browser flags %s (condition %s) stop %s from starting: %s",
                  x->p->command, s->flags_json, s->condition, x->p->browsers[s->browser].path,
                  err);
            return EXIT_USAGE;
        }
        warnf("%s", err);
        return EXIT_ERROR;
    }
    return EXIT_OK;
}

/* A new runs row, or the unfinished one with --resume; then the modules. */
static int open_run(struct plan *p, struct resources *rs, int64_t *run_id, char *uuid,
                    size_t uuid_len)
{
    struct db *db = rs->db;
    int rc = 0;
    if (p->resume) {
        rc = db_find_unfinished_run(db, run_id);
        if (rc == 0 && *run_id == DB_NULL) {
            warnf("%s: --resume: DB %s has no unfinished run", p->command, p->db_path);
            return EXIT_USAGE;
        }
        if (rc == 0)
            rc = db_finish_run(db, *run_id, NULL, "running");
        if (rc == 0)
            rc = db_run_uuid(db, *run_id, uuid, uuid_len);
        if (rc == 0)
            notef("%s: resuming run %lld (%s)", p->command, (long long)*run_id, uuid);
    } else {
        char started[40];
        utc_iso8601(started, sizeof started);
        char *cmdline = join_command_line(p->argc, p->argv);
        rc = store_run(db, started, cmdline, p->experiment, run_id, uuid);
        free(cmdline);
    }
    if (rc == 0)
        rc = db_run_set_keep_traces(db, *run_id, &p->keep);
    if (rc == 0 && p->questions_json)
        rc = db_run_set_questions(db, *run_id, p->questions_json);
    for (int i = 0; rc == 0 && i < rs->n_mods; i++)
        rc = db_upsert_module(db, &rs->mods[i].row, &rs->mods[i].id);
    if (rc < 0) {
        warnf("%s: %s", p->command, db_errmsg(db));
        return EXIT_ERROR;
    }
    return EXIT_OK;
}

/* Every round of every configuration, warm-up rounds first. The loads still
 * to do are counted before the first one, so the progress total is right
 * from the first line. */
static int run_rounds(struct exec *x, struct config *configs, int n_configs)
{
    struct plan *p = x->p;
    for (int ci = 0; ci < n_configs; ci++)
        if (count_stored(x, &configs[ci]) < 0)
            return EXIT_ERROR;
    /* said once the browsers are up: a run that cannot start has one line */
    if (!p->resume)
        notef("%s: run %lld (%s) in %s", p->command, (long long)x->run_id, x->run_uuid,
              p->db_path);
    int exit_code = EXIT_OK;
    long rounds = p->warmup + p->loads;
    for (long r = 0; r < rounds && !stop_signal && exit_code == EXIT_OK; r++) {
        for (int ci = 0; ci < n_configs && !stop_signal && exit_code == EXIT_OK; ci++) {
            struct config *cf = &configs[ci];
            bool warm = r < p->warmup;
            if (warm && cf->stored >= p->loads)
                continue;   /* nothing left to measure: no need to warm it */
            if (!warm && r - p->warmup < cf->stored)
                continue;   /* stored before (--resume) */
            if (load_config(x, cf, r - p->warmup, warm) < 0)
                exit_code = EXIT_ERROR;
        }
    }
    if (flush_batch(x) < 0)
        exit_code = EXIT_ERROR;
    if (exit_code == EXIT_OK && p->auto_max > 0 && !stop_signal)
        exit_code = auto_sample(x, configs, n_configs);
    return exit_code;
}

/* Closes the run: browsers down, the runs row finished, the summary printed.
 * Returns the final exit code. */
static int finish_run(struct exec *x, int exit_code)
{
    struct plan *p = x->p;
    progress_end();   /* the last progress line does not stay on screen */
    for (int i = 0; i < x->slots->n; i++)
        browser_down(&x->lbs[i], true);
    double secs = (double)(mono_us() - x->t_start) / 1e6;
    notef("%s: run %lld: %ld loads in %.1f s (%.2f loads/s), %ld failed, %ld browser crashes",
          p->command, (long long)x->run_id, x->done, secs,
          secs > 0 ? (double)x->done / secs : 0.0, x->failed, x->crashes);
    char finished[40];
    utc_iso8601(finished, sizeof finished);
    const char *status = stop_signal ? "interrupted" : exit_code == EXIT_OK ? "completed"
                                                                            : "failed";
    if (db_finish_run(x->db, x->run_id, finished, status) < 0)
        warnf("%s: %s", p->command, db_errmsg(x->db));
    if (x->done > 0)
        run_summary_print(x->db, x->run_id, x->run_uuid, p->json, p->command, stdout);
    if (x->done > 0 && !p->json)
        cache_summary_print(x->db, x->run_id, p->command, stdout);
    if (stop_signal) {
        warnf("%s: interrupted by signal %d; %ld loads stored in %s (run %lld)", p->command,
              (int)stop_signal, x->done, p->db_path, (long long)x->run_id);
        return EXIT_INTERRUPTED;
    }
    if (exit_code == EXIT_OK && x->failed > 0)
        return EXIT_LOADS_FAILED;
    return exit_code;
}

static void release_resources(struct plan *p, struct resources *rs)
{
    for (int i = 0; i < rs->slots.n; i++)
        browser_down(&rs->lbs[i], true);
    server_stop(rs->srv);
    if (rs->ctx)
        lws_context_destroy(rs->ctx);
    db_close(rs->db);
    manifest_free(&rs->mf);
    free(rs->mods);
    free(rs->lbs);
    free(rs->configs);
    browser_slots_free(&rs->slots);
}

int plan_execute(struct plan *p)
{
    struct resources rs;
    memset(&rs, 0, sizeof rs);
    rs.mods = xcalloc(PLAN_MAX, sizeof *rs.mods);
    rs.lbs = NULL;   /* one per browser slot, once build_configs made them */
    int exit_code = check_inputs(p, &rs);
    if (exit_code == EXIT_OK)
        exit_code = build_configs(p, &rs);
    rs.lbs = xcalloc((size_t)rs.slots.n + 1, sizeof *rs.lbs);
    if (exit_code == EXIT_OK) {
        char err[1024];
        rs.db = db_open(p->db_path, err, sizeof err);
        if (!rs.db) {
            warnf("%s: %s", p->command, err);
            exit_code = EXIT_USAGE;
        }
    }
    if (exit_code == EXIT_OK)
        exit_code = start_serving(p, &rs);
    struct exec ex = { .p = p, .lbs = rs.lbs, .mods = rs.mods, .db = rs.db, .ctx = rs.ctx,
                       .srv = rs.srv, .page_timeout_ms = (int)p->timeout_s * 1000,
                       .tty = isatty(2) && !util_quiet, .slots = &rs.slots,
                       .max_alive = p->n_browsers + 1 };
    if (exit_code == EXIT_OK)
        exit_code = probe_browsers(&ex);
    if (exit_code == EXIT_OK)
        exit_code = open_run(p, &rs, &ex.run_id, ex.run_uuid, sizeof ex.run_uuid);
    if (exit_code == EXIT_OK) {
        ex.t_start = mono_us();
        ex.tty = progress_begin(ex.tty);
        exit_code = finish_run(&ex, run_rounds(&ex, rs.configs, rs.n_configs));
    }
    free(ex.pend);   /* run_rounds flushed the last batch */
    release_resources(p, &rs);
    return exit_code;
}
