/* test_dom_events.c - the domain event journal: lines in and out, the
 * lifecycle words of each status, a reader that starts at the end or the
 * beginning, waits with a deadline, and follows the journal across its
 * rotation without losing or repeating an event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "deadline.h"
#include "kvm/dom_events.h"
#include "harness.h"
#include "spawn.h"
#include "strbuf.h"

static void
test_words(void)
{
    static const struct { int state; const char *reason, *want; } cases[] = {
        { DOM_STATE_RUNNING, "booted", "Started Booted" },
        { DOM_STATE_RUNNING, "restored", "Started Restored" },
        { DOM_STATE_RUNNING, "unpaused", "Resumed Unpaused" },
        { DOM_STATE_PAUSED, "user", "Suspended Paused" },
        { DOM_STATE_PAUSED, "starting up", NULL },
        { DOM_STATE_SHUTDOWN, "user", "Shutdown Finished" },
        { DOM_STATE_CRASHED, "panicked", "Crashed Panicked" },
        { DOM_STATE_SHUTOFF, "destroyed", "Stopped Destroyed" },
        { DOM_STATE_SHUTOFF, "shutdown", "Stopped Shutdown" },
        { DOM_STATE_SHUTOFF, "failed", "Stopped Failed" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct dom_status st;
        const char *e = NULL, *d = NULL;
        char got[64] = "";
        dom_status_init(&st);
        st.state = cases[i].state;
        snprintf(st.reason, sizeof(st.reason), "%s", cases[i].reason);
        if (dom_events_of_status(&st, &e, &d))
            snprintf(got, sizeof(got), "%s %s", e, d);
        CHECK(cases[i].want ? !strcmp(got, cases[i].want) : got[0] == '\0',
              "%s: '%s'", cases[i].reason, got);
    }
}

static void
test_parse(void)
{
    struct dom_event ev;

    CHECK(dom_event_parse("1700000000123\tweb1\tlifecycle\tStarted\tBooted", &ev) == 0,
          "a lifecycle line");
    CHECK(ev.ms == 1700000000123LL && !strcmp(ev.name, "web1") &&
          !strcmp(ev.type, "lifecycle") && !strcmp(ev.event, "Started") &&
          !strcmp(ev.detail, "Booted"), "its fields");
    CHECK(dom_event_parse("1700000000123\tweb1\treboot\t\t", &ev) == 0 &&
          !strcmp(ev.type, "reboot") && ev.event[0] == '\0', "a reboot line");
    CHECK(dom_event_parse("garbage", &ev) < 0, "garbage is no event");
    CHECK(dom_event_parse("", &ev) < 0, "nor is an empty line");
}

static int
next(struct dom_events_reader *r, struct dom_event *ev, int ms)
{
    struct lv_err err = LV_ERR_INIT;
    int got = dom_events_next(r, ev, lv_deadline(ms), &err);

    if (got < 0)
        fprintf(stderr, "%s\n", err.msg);
    return got;
}

static void
test_reader(struct lv_conn *c)
{
    struct lv_err err = LV_ERR_INIT;
    struct dom_events_reader r, old;
    struct dom_event ev;
    char *path = dom_events_path(c), name[32];
    long long t0;
    int n, ok;

    CHECK(dom_events_open(&old, c, 1, &err) == 0, "a reader before the journal exists");
    dom_events_append(path, "a", "lifecycle", "Defined", "Added");
    CHECK(dom_events_open(&r, c, 0, &err) == 0, "a reader at the end");
    t0 = lv_now_ms();
    CHECK(next(&r, &ev, 200) == 0, "at the end: nothing until the deadline");
    CHECK(lv_now_ms() - t0 >= 150, "it waited");
    dom_events_append(path, "b", "lifecycle", "Started", "Booted");
    CHECK(next(&r, &ev, 2000) == 1 && !strcmp(ev.name, "b"), "the new event");
    CHECK(next(&old, &ev, 2000) == 1 && !strcmp(ev.name, "a"), "from the start: the first");
    CHECK(next(&old, &ev, 2000) == 1 && !strcmp(ev.name, "b"), "then the second");

    /* past DOM_EVENTS_MAX the journal is rotated; the readers miss nothing */
    for (int i = 0; i < 9000; i++) {
        snprintf(name, sizeof(name), "g%d", i);
        dom_events_append(path, name, "lifecycle", "Suspended", "Paused");
    }
    {
        char *one = lv_asprintf("%s.1", path);
        CHECK(access(one, F_OK) == 0, "rotated to %s", one);
        free(one);
    }
    ok = 1;
    for (n = 0; n < 9000; n++) {
        snprintf(name, sizeof(name), "g%d", n);
        if (next(&r, &ev, 2000) != 1 || strcmp(ev.name, name) != 0) {
            ok = 0;
            break;
        }
    }
    CHECK(ok, "all 9000 events in order across the rotation (stopped at %d: %s)", n, ev.name);
    CHECK(next(&r, &ev, 100) == 0, "and none twice");
    dom_events_close(&r);
    dom_events_close(&old);
    free(path);
}

int
main(void)
{
    char root[] = "/tmp/lv-events.XXXXXX";
    struct lv_err err = LV_ERR_INIT;
    struct lv_conn *c;

    if (!mkdtemp(root))
        return 1;
    setenv("LUAVIRT_ROOT", root, 1);
    c = lv_conn_open(NULL, &err);
    CHECK(c != NULL, "a connection: %s", err.msg);
    test_words();
    test_parse();
    if (c)
        test_reader(c);
    lv_conn_unref(c);
    harness_rm_tree(root);
    return TEST_DONE();
}
