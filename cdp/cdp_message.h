/* cdp_message: the transport-independent half of a CDP client.
 *
 * It reassembles websocket fragments into whole messages, parses each with
 * Jansson, and routes it: a reply (has "id") fills the pending slot of its
 * command; an event (has "method") goes to the event callback. Everything the
 * browser sends is untrusted: a message of the wrong shape is counted in
 * bad_messages and dropped, never trusted or crashed on.
 *
 * cdp/ knows nothing about wasm; it only speaks the protocol. */
#ifndef WASMLAB_CDP_MESSAGE_H
#define WASMLAB_CDP_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/util.h"

/* Called for every event. session_id is NULL for browser-level events.
 * params is borrowed (valid during the call only; json_incref to keep). */
typedef void (*cdp_event_fn)(void *arg, const char *session_id,
                             const char *method, json_t *params);

enum { CDP_MAX_PENDING = 64 };

struct cdp_pending {
    int64_t id;             /* 0 = free slot */
    bool done;
    json_t *result;         /* new reference once done and successful */
    char *error;            /* "code: message" once done with an error */
};

struct cdp_dispatch {
    struct buf partial;     /* fragments of the message being received */
    struct cdp_pending pending[CDP_MAX_PENDING];
    int64_t next_id;
    cdp_event_fn on_event;
    void *event_arg;
    /* counters, for diagnostics and tests */
    uint64_t messages, events, replies, bad_messages, unmatched_replies;
};

/* max_message_bytes bounds one reassembled message (0 = 256 MiB). */
void cdp_dispatch_init(struct cdp_dispatch *d, size_t max_message_bytes,
                       cdp_event_fn on_event, void *event_arg);
void cdp_dispatch_free(struct cdp_dispatch *d);

/* Reserves an id for a new command. Returns the id, or -1 when
 * CDP_MAX_PENDING commands are already outstanding. */
int64_t cdp_dispatch_reserve(struct cdp_dispatch *d);
/* The slot of an id returned by reserve, or NULL. */
struct cdp_pending *cdp_dispatch_slot(struct cdp_dispatch *d, int64_t id);
/* Frees an id's slot (and any result/error it still holds). */
void cdp_dispatch_release(struct cdp_dispatch *d, int64_t id);

/* Feeds one websocket fragment; when is_final, the reassembled message is
 * dispatched. Returns 0, or -1 when the message exceeds the size limit (the
 * partial message is discarded and counted as bad). */
int cdp_dispatch_fragment(struct cdp_dispatch *d, const void *data, size_t len,
                          bool is_final);
/* Parses and routes one whole message. Returns 0, or -1 if it was dropped as
 * malformed (also counted in bad_messages). */
int cdp_dispatch_message(struct cdp_dispatch *d, const char *msg, size_t len);

/* Serialises a command to a new string (caller frees):
 * {"id":id,"method":method,"params":params,"sessionId":session_id}.
 * params is borrowed and may be NULL; session_id may be NULL. */
char *cdp_command_json(int64_t id, const char *session_id, const char *method,
                       json_t *params, size_t *len);

#endif
