/*
 * run-scripts: evaluates JS files in QuickJS 2021-03-27 the way a device port does, for CI.
 *
 *   run-scripts [--memory-limit BYTES] [--stack-limit BYTES] [--eval EXPR]... [--memory] [--] FILE...
 *
 * One runtime (memory and stack limits), one context, a global print(...) writing to stdout. Each FILE is
 * evaluated in order as a global script in that context, and the job queue is drained after each one
 * (a port drains after every entry into the VM). Then each --eval EXPR is evaluated, the queue drained,
 * and its result printed as a string. --memory prints JS_ComputeMemoryUsage fields as one JSON line at
 * the end (JS_DumpMemoryUsage can assert-crash in 2021, so we print the fields ourselves).
 *
 * Exit status: 0 on success; 1 when a script, job or --eval threw, or a promise was rejected and left
 * unhandled (message and stack on stderr); 2 for usage and I/O errors.
 * Only quickjs.h and libquickjs.a are needed: no quickjs-libc.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quickjs.h"

#define DEFAULT_MEMORY_LIMIT (4u * 1024 * 1024)
#define DEFAULT_STACK_LIMIT (256u * 1024)
#define MAX_STACK_LINES 20

/* Rejected promises without a handler yet. A handler attached later removes the entry, so whatever is
 * left once the queue is drained was never handled. */
typedef struct {
    JSValue promise;
    JSValue reason;
} Rejection;

typedef struct {
    Rejection *items;
    size_t count, capacity;
} Rejections;

static void track_rejection(JSContext *ctx, JSValueConst promise, JSValueConst reason, JS_BOOL is_handled,
                            void *opaque)
{
    Rejections *list = opaque;
    if (is_handled) {
        for (size_t i = 0; i < list->count; i++) {
            if (JS_VALUE_GET_PTR(list->items[i].promise) == JS_VALUE_GET_PTR(promise)) {
                JS_FreeValue(ctx, list->items[i].promise);
                JS_FreeValue(ctx, list->items[i].reason);
                list->items[i] = list->items[--list->count];
                return;
            }
        }
        return;
    }
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? list->capacity * 2 : 8;
        Rejection *items = realloc(list->items, capacity * sizeof *items);
        if (!items) {
            fprintf(stderr, "run-scripts: out of host memory\n");
            exit(2);
        }
        list->items = items;
        list->capacity = capacity;
    }
    list->items[list->count].promise = JS_DupValue(ctx, promise);
    list->items[list->count].reason = JS_DupValue(ctx, reason);
    list->count++;
}

static void free_rejections(JSContext *ctx, Rejections *list)
{
    for (size_t i = 0; i < list->count; i++) {
        JS_FreeValue(ctx, list->items[i].promise);
        JS_FreeValue(ctx, list->items[i].reason);
    }
    list->count = 0;
}

/* Prints a thrown value: "Name: message" and, for Error objects, the stack. Never throws. */
static void report_value(JSContext *ctx, const char *what, JSValueConst value)
{
    const char *text = JS_ToCString(ctx, value);
    fprintf(stderr, "run-scripts: %s: %s\n", what, text ? text : "(value cannot be converted to a string)");
    if (text)
        JS_FreeCString(ctx, text);
    else
        JS_FreeValue(ctx, JS_GetException(ctx));
    if (JS_IsNull(value))
        fprintf(stderr, "run-scripts: (null is what the engine throws when it cannot allocate the error: out of memory)\n");
    if (JS_IsError(ctx, value)) {
        JSValue stack = JS_GetPropertyStr(ctx, value, "stack");
        if (!JS_IsUndefined(stack) && !JS_IsException(stack)) {
            const char *s = JS_ToCString(ctx, stack);
            if (s) {
                /* A stack overflow has thousands of frames: the first lines say enough. */
                const char *end = s;
                for (int lines = 0; *end && lines < MAX_STACK_LINES; lines++) {
                    const char *nl = strchr(end, '\n');
                    end = nl ? nl + 1 : end + strlen(end);
                }
                fwrite(s, 1, (size_t)(end - s), stderr);
                if (end > s && end[-1] != '\n')
                    fputc('\n', stderr);
                if (*end)
                    fprintf(stderr, "    ... (stack cut)\n");
                JS_FreeCString(ctx, s);
            }
        }
        if (JS_IsException(stack))
            JS_FreeValue(ctx, JS_GetException(ctx));
        JS_FreeValue(ctx, stack);
    }
}

static void report_exception(JSContext *ctx, const char *where)
{
    /* The run ends after this: lift the memory limit so that an out-of-memory error can still be printed. */
    JS_SetMemoryLimit(JS_GetRuntime(ctx), (size_t)-1);
    JSValue exception = JS_GetException(ctx);
    char what[512];
    snprintf(what, sizeof what, "uncaught exception in %s", where);
    report_value(ctx, what, exception);
    JS_FreeValue(ctx, exception);
}

/* print(...args): the arguments as strings, space-separated, one line on stdout. */
static JSValue js_print(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)
{
    for (int i = 0; i < argc; i++) {
        size_t len;
        const char *s = JS_ToCStringLen(ctx, &len, argv[i]);
        if (!s)
            return JS_EXCEPTION;
        if (i > 0)
            fputc(' ', stdout);
        fwrite(s, 1, len, stdout);
        JS_FreeCString(ctx, s);
    }
    fputc('\n', stdout);
    fflush(stdout);
    return JS_UNDEFINED;
}

/* Runs jobs until none is left; 0 on success, -1 after reporting a job that threw. */
static int drain_jobs(JSRuntime *rt, const char *after)
{
    for (;;) {
        JSContext *job_ctx;
        int r = JS_ExecutePendingJob(rt, &job_ctx);
        if (r == 0)
            return 0;
        if (r < 0) {
            char where[512];
            snprintf(where, sizeof where, "a job (after %s)", after);
            report_exception(job_ctx, where);
            return -1;
        }
    }
}

/* The whole file plus the terminating NUL that JS_Eval requires; NULL (errno set) on failure. */
static char *read_file(const char *path, size_t *plen)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0, capacity = 0;
    for (;;) {
        if (capacity - len < 65536) {
            capacity = capacity ? capacity * 2 : 65536;
            char *grown = realloc(buf, capacity + 1);
            if (!grown) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return NULL;
            }
            buf = grown;
        }
        size_t n = fread(buf + len, 1, capacity - len, f);
        len += n;
        if (n == 0)
            break;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    buf[len] = '\0';
    *plen = len;
    return buf;
}

static void print_memory(JSRuntime *rt)
{
    JSMemoryUsage m;
    JS_ComputeMemoryUsage(rt, &m);
#define FIELD(name, sep) printf("\"" #name "\":%" PRId64 sep, m.name)
    printf("{");
    FIELD(malloc_size, ",");
    FIELD(malloc_limit, ",");
    FIELD(memory_used_size, ",");
    FIELD(malloc_count, ",");
    FIELD(memory_used_count, ",");
    FIELD(atom_count, ",");
    FIELD(atom_size, ",");
    FIELD(str_count, ",");
    FIELD(str_size, ",");
    FIELD(obj_count, ",");
    FIELD(obj_size, ",");
    FIELD(prop_count, ",");
    FIELD(prop_size, ",");
    FIELD(shape_count, ",");
    FIELD(shape_size, ",");
    FIELD(js_func_count, ",");
    FIELD(js_func_size, ",");
    FIELD(js_func_code_size, ",");
    FIELD(c_func_count, ",");
    FIELD(array_count, "");
#undef FIELD
    printf("}\n");
    fflush(stdout);
}

static int usage(void)
{
    fprintf(stderr, "usage: run-scripts [--memory-limit BYTES] [--stack-limit BYTES] [--eval EXPR]... "
                    "[--memory] [--] FILE...\n");
    return 2;
}

static int parse_size(const char *text, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-')
        return -1;
    *out = (size_t)v;
    return 0;
}

int main(int argc, char **argv)
{
    size_t memory_limit = DEFAULT_MEMORY_LIMIT, stack_limit = DEFAULT_STACK_LIMIT;
    int show_memory = 0;
    const char **files = calloc((size_t)argc, sizeof *files);
    const char **evals = calloc((size_t)argc, sizeof *evals);
    int nfiles = 0, nevals = 0;
    if (!files || !evals)
        return 2;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            while (++i < argc)
                files[nfiles++] = argv[i];
        } else if (strcmp(a, "--memory-limit") == 0 || strcmp(a, "--stack-limit") == 0) {
            size_t *target = a[2] == 'm' ? &memory_limit : &stack_limit;
            if (++i >= argc || parse_size(argv[i], target) < 0)
                return usage();
        } else if (strcmp(a, "--eval") == 0) {
            if (++i >= argc)
                return usage();
            evals[nevals++] = argv[i];
        } else if (strcmp(a, "--memory") == 0) {
            show_memory = 1;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage();
            return 0;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "run-scripts: unknown option %s\n", a);
            return usage();
        } else {
            files[nfiles++] = a;
        }
    }
    if (nfiles == 0 && nevals == 0)
        return usage();

    JSRuntime *rt = JS_NewRuntime();
    if (!rt) {
        fprintf(stderr, "run-scripts: cannot create a runtime\n");
        return 2;
    }
    JS_SetMemoryLimit(rt, memory_limit);
    JS_SetMaxStackSize(rt, stack_limit);
    Rejections rejections = { 0 };
    JS_SetHostPromiseRejectionTracker(rt, track_rejection, &rejections);
    JSContext *ctx = JS_NewContext(rt);
    if (!ctx) {
        fprintf(stderr, "run-scripts: cannot create a context (memory limit %zu too low?)\n", memory_limit);
        JS_FreeRuntime(rt);
        return 2;
    }
    JSValue global = JS_GetGlobalObject(ctx);
    JS_SetPropertyStr(ctx, global, "print", JS_NewCFunction(ctx, js_print, "print", 1));
    JS_FreeValue(ctx, global);

    int status = 0;
    for (int i = 0; i < nfiles && status == 0; i++) {
        size_t len;
        char *source = read_file(files[i], &len);
        if (!source) {
            fprintf(stderr, "run-scripts: cannot read %s: %s\n", files[i], strerror(errno));
            status = 2;
            break;
        }
        JSValue v = JS_Eval(ctx, source, len, files[i], JS_EVAL_TYPE_GLOBAL);
        free(source);
        if (JS_IsException(v)) {
            report_exception(ctx, files[i]);
            status = 1;
        } else if (drain_jobs(rt, files[i]) < 0) {
            status = 1;
        }
        JS_FreeValue(ctx, v);
    }
    for (int i = 0; i < nevals && status == 0; i++) {
        JSValue v = JS_Eval(ctx, evals[i], strlen(evals[i]), "<eval>", JS_EVAL_TYPE_GLOBAL);
        if (JS_IsException(v)) {
            report_exception(ctx, "--eval");
            status = 1;
        } else if (drain_jobs(rt, "--eval") < 0) {
            status = 1;
        } else {
            size_t len;
            const char *s = JS_ToCStringLen(ctx, &len, v);
            if (!s) {
                report_exception(ctx, "--eval (converting the result to a string)");
                status = 1;
            } else {
                fwrite(s, 1, len, stdout);
                fputc('\n', stdout);
                fflush(stdout);
                JS_FreeCString(ctx, s);
            }
        }
        JS_FreeValue(ctx, v);
    }
    if (status == 0 && rejections.count > 0) {
        JS_SetMemoryLimit(rt, (size_t)-1);
        for (size_t i = 0; i < rejections.count; i++)
            report_value(ctx, "unhandled promise rejection", rejections.items[i].reason);
        status = 1;
    }
    if (status == 0 && show_memory)
        print_memory(rt);

    free_rejections(ctx, &rejections);
    free(rejections.items);
    JS_FreeContext(ctx);
    JS_FreeRuntime(rt);
    free(files);
    free(evals);
    return status;
}
