/*
 * The contract between an ERP host and a loadable module.
 *
 * Plain C so that host and module may be built by different toolchains.
 * Rules:
 *  - Every struct starts with abi_version and struct_size. Tables only grow
 *    at the end; a reader checks struct_size before touching a later field.
 *  - No exception crosses this boundary: every function returns a status.
 *  - Strings are UTF-8, NUL-terminated, owned by the caller of the function
 *    that receives them and valid only for the duration of the call unless
 *    stated otherwise.
 *  - Times are UTC milliseconds since the Unix epoch.
 *
 * Call order: the host checks manifest.json (abi_version), opens the library,
 * looks up SAC_MODULE_ENTRY_SYMBOL, checks the entry's abi_version and
 * struct_size, then calls init() once with its services and a registrar.
 * Registration is valid only during init(). Handlers and jobs may run on any
 * host thread, concurrently. shutdown() is called once, after the last
 * handler and job have returned; stopping(), when present, comes first, as
 * soon as the host decides to stop.
 */
#ifndef SAC_MODULE_API_H
#define SAC_MODULE_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SAC_MODULE_ABI_VERSION 1u
#define SAC_MODULE_ENTRY_SYMBOL "sac_module_entry"

enum sac_status { SAC_OK = 0, SAC_ERROR = 1 };

enum sac_log_level { SAC_LOG_DEBUG = 0, SAC_LOG_INFO = 1, SAC_LOG_WARNING = 2, SAC_LOG_ERROR = 3 };

/* The authenticated user of a request, or of a job's submitter. */
typedef struct sac_user {
    int64_t user_id;     /* 0 when nobody is logged in */
    int64_t account_id;  /* the user's company */
    const char* login;
    const char* email;
    const char* display_name;
    const char* role;    /* "admin" or "seller" */
    const char* locale;  /* e.g. "pt-BR" */
} sac_user;

/* Services the host offers to the module. Grows only at the end. */
typedef struct sac_host_services {
    uint32_t abi_version;
    uint32_t struct_size;
    void* ctx; /* passed back as the first argument of every function */

    /* Writes one line to the host's log; the host redacts secrets again. */
    void (*log)(void* ctx, int level, const char* message);

    /* The host's clock (a fake clock in tests). */
    int64_t (*now_ms)(void* ctx);

    /* The database URL the module connects to (sqlite:PATH or mysql://...). */
    const char* (*database_url)(void* ctx);

    /* A setting of this module by key (from the host's configuration,
     * "modules.<id>.<key>"). Copies at most out_len-1 bytes and a NUL.
     * Returns SAC_OK when found, SAC_ERROR otherwise. The keys
     * "host.job_threads" and "host.http_threads" answer the host's thread
     * counts (hosts that predate them answer SAC_ERROR). */
    int (*get_setting)(void* ctx, const char* key, char* out, size_t out_len);

    /* Runs fn(arg) on the host's bounded job pool. The module owns arg and
     * frees it inside fn. Returns SAC_ERROR when the queue is full. */
    int (*submit_job)(void* ctx, const char* name, void (*fn)(void* arg), void* arg);

    /* Looks up an active user by e-mail (case-insensitive). Fills *out whose
     * strings stay valid until the next call on the same thread. */
    int (*find_user_by_email)(void* ctx, const char* email, sac_user* out);

    /* The folder of the module's own files (manifest, templates, schema). */
    const char* (*module_dir)(void* ctx);

    /* Added at the end (struct_size tells whether it is there; hosts that
     * predate it leave it out, and it may be NULL): the active users of an
     * account (admins and sellers), by ascending user_id. Calls
     * fn(fn_ctx, user) once per user, on the calling thread, before it
     * returns; the user's strings are valid only during that call. Returns
     * SAC_OK (also for an account without users), or SAC_ERROR when the
     * users could not be read (fn may have been called for some of them). */
    int (*list_account_users)(void* ctx, int64_t account_id, void (*fn)(void* fn_ctx, const sac_user* user),
                              void* fn_ctx);
} sac_host_services;

/* One HTTP request as the host hands it to a module route. */
typedef struct sac_request {
    uint32_t abi_version;
    uint32_t struct_size;
    void* ctx;
    const char* method;       /* "GET", "POST", ... */
    const char* path;         /* decoded path, without the query */
    const char* query;        /* raw query string, without '?' */
    const char* content_type;
    const char* body;         /* raw body, body_len bytes, may hold NULs */
    size_t body_len;
    const sac_user* user;     /* never NULL; user_id 0 when anonymous */
    const char* csrf_token;   /* the session's token, for forms */
    /* A request header by name (case-insensitive), or NULL. */
    const char* (*header)(void* ctx, const char* name);
} sac_request;

/* What a route writes back. */
typedef struct sac_response {
    uint32_t abi_version;
    uint32_t struct_size;
    void* ctx;
    void (*set_status)(void* ctx, int status);
    void (*set_header)(void* ctx, const char* name, const char* value);
    void (*write)(void* ctx, const char* data, size_t len);
    /* Asks the host to wrap the written HTML in its page shell (menu, user
     * bar) with this title. Only for text/html answers. */
    void (*use_layout)(void* ctx, const char* title);
    /* Added at the end (struct_size tells whether they are there; hosts that
     * predate them leave them out): streaming an answer too big to hold.
     * begin_stream() sends the status and headers set so far at once; from
     * then on every write goes to the client as it comes (HTTP/1.1 chunked
     * transfer encoding; HTTP/1.0: until the connection closes) instead of
     * being held until the route returns. Not with use_layout(). Returns
     * SAC_OK, or SAC_ERROR when the answer cannot be streamed (nothing was
     * sent; writes keep being buffered). A route that returns SAC_ERROR
     * after begin_stream() makes the host cut the connection, so that the
     * client sees an incomplete answer rather than a short one. */
    int (*begin_stream)(void* ctx);
    /* write() that tells whether the bytes went out: SAC_ERROR once the
     * client went away or stopped reading for longer than the host's send
     * timeout (the route should stop writing), SAC_OK otherwise. Before
     * begin_stream() it buffers like write(). */
    int (*stream_write)(void* ctx, const char* data, size_t len);
} sac_response;

typedef int (*sac_route_fn)(void* route_ctx, const sac_request* request, sac_response* response);

/* Flags of a route. */
#define SAC_ROUTE_PUBLIC 1u       /* reachable without login (OAuth callback) */
#define SAC_ROUTE_NO_CSRF 2u      /* state-changing but checked otherwise */
/* With PUBLIC: callers are machines that send their own token in a header
 * (Authorization or X-...-Token, at least 32 characters, checked by the
 * route). Such requests may carry bodies up to the host's large limit;
 * every other request without a login gets the small anonymous limit.
 * Hosts older than this flag refuse it (unknown flags refuse the module). */
#define SAC_ROUTE_TOKEN_BODY 4u

/* Handed to init(); valid only during init(). */
typedef struct sac_registrar {
    uint32_t abi_version;
    uint32_t struct_size;
    void* ctx;
    /* parent is a main-menu section ("Marketing"); permission is one of the
     * manifest's permissions. */
    int (*add_menu_entry)(void* ctx, const char* parent, const char* label, const char* href,
                          const char* permission);
    /* Every request whose path equals prefix or starts with prefix + "/"
     * goes to fn. The host checks login (unless PUBLIC), the permission and
     * CSRF on POST/PUT/PATCH/DELETE (unless NO_CSRF) before calling fn. */
    int (*add_route)(void* ctx, const char* prefix, const char* permission, uint32_t flags,
                     sac_route_fn fn, void* route_ctx);
    /* A recurring job, run every interval_seconds on the job pool. */
    int (*add_periodic_job)(void* ctx, const char* name, uint32_t interval_seconds,
                            void (*fn)(void* job_ctx), void* job_ctx);
    /* A migrations folder (schema/<dialect>/V####__name.sql) the host applies
     * before the module is started. */
    int (*add_migrations)(void* ctx, const char* directory);
} sac_registrar;

/* What the one exported function, sac_module_entry(), returns. */
typedef struct sac_module_info {
    uint32_t abi_version;
    uint32_t struct_size;
    const char* module_id;
    const char* module_version;
    /* Registers routes, menu entries, jobs and migrations. On failure writes
     * a one-line reason into error (error_len bytes) and returns SAC_ERROR. */
    int (*init)(const sac_host_services* host, sac_registrar* registrar, char* error,
                size_t error_len);
    /* Called after migrations ran; the module may open its database here. */
    int (*start)(char* error, size_t error_len);
    void (*shutdown)(void);
    /* Added at the end (struct_size tells whether it is there; may be NULL):
     * called once when the host begins to stop, before it waits for running
     * jobs, so that long jobs can wind down and save where they were. */
    void (*stopping)(void);
    /* Added at the end (struct_size tells whether it is there; may be NULL):
     * the badge beside one of the module's menu entries (href as registered)
     * for the signed-in user, e.g. how many cases wait on them. Writes the
     * count (>= 0) into *count and its text alternative for screen readers in
     * the user's locale ("3 disputas requerem ação") into text (at most
     * text_len-1 bytes and a NUL), and returns SAC_OK; SAC_ERROR: no badge.
     * The host calls it on request threads, concurrently, while it renders
     * a page's menu, only between start() and shutdown(): it must answer
     * within milliseconds (keep a short cache, never wait on the network). */
    int (*menu_badge)(const sac_user* user, const char* href, int64_t* count, char* text, size_t text_len);
} sac_module_info;

typedef const sac_module_info* (*sac_module_entry_fn)(void);

/* Declared here so a module defines it with exactly this signature. */
const sac_module_info* sac_module_entry(void);

#ifdef __cplusplus
}
#endif

#endif
