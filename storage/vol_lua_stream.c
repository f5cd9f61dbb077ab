/* vol_lua_stream.c - v:stream{upload=, offset=, length=}: a volume's bytes
 * a chunk at a time, as libvirt's virStorageVolUpload/Download streams
 * are: s:write(bytes) (upload), s:read([max]) -> bytes, nil at the end
 * (download), s:size() (the bytes it covers), s:finish() (the bytes are
 * on disk: fsync; the stream ends), s:close(). The pool stays locked while the stream is open, and an upload
 * is refused while a running guest uses the volume. A remote connection
 * carries v:upload(file) and v:download(file) of the client's file this
 * way (lua/stdlib/remote.lua). */
#include <errno.h>
#include <fcntl.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"
#include "lua_udata.h"
#include "runtime.h"
#include "store.h"
#include "strbuf.h"
#include "vol_lua.h"
#include "vol_ops.h"

#define VSTREAM_MT "luavirt.vol_stream"
#define CHUNK (1024 * 1024)

struct vstream {
    int lock, fd;
    int upload;
    uint64_t start, pos, end;
    char *what;         /* "volume 'a.img'" */
};

static void
vstream_end(struct vstream *s)
{
    if (s->fd >= 0)
        close(s->fd);
    if (s->lock >= 0)
        lv_store_unlock(s->lock);
    s->fd = s->lock = -1;
    free(s->what);
    s->what = NULL;
}

static struct vstream *
check_open(lua_State *L)
{
    struct vstream *s = luaL_checkudata(L, 1, VSTREAM_MT);

    if (s->fd < 0)
        luaL_error(L, "volume stream: closed");
    return s;
}

static int
raise_sys(lua_State *L, struct vstream *s, const char *doing)
{
    struct lv_err err = LV_ERR_INIT;

    lv_err_sys(&err, "%s: cannot %s", s->what, doing);
    vstream_end(s);
    return lv_lua_raise(L, &err);
}

/* s:write(bytes): the next bytes of an upload */
static int
s_write(lua_State *L)
{
    struct vstream *s = check_open(L);
    size_t n;
    const char *b = luaL_checklstring(L, 2, &n);

    if (!s->upload)
        return luaL_error(L, "%s: a download stream is read, not written", s->what);
    if (s->pos + n > s->end) {
        struct lv_err err = LV_ERR_INIT;
        lv_err_set(&err, LV_E_INVALID, "%s: cannot upload: more than the %llu bytes "
                   "announced", s->what, (unsigned long long)(s->end - s->start));
        vstream_end(s);
        return lv_lua_raise(L, &err);
    }
    if (lv_pwrite_all(s->fd, b, n, s->pos) < 0)
        return raise_sys(L, s, "write");
    s->pos += n;
    lua_settop(L, 1);
    return 1;
}

/* s:read([max]) -> up to max (1 MiB) bytes of a download, nil at its end */
static int
s_read(lua_State *L)
{
    struct vstream *s = check_open(L);
    lua_Integer max = luaL_optinteger(L, 2, CHUNK);
    size_t n, got = 0;
    char *buf;

    if (s->upload)
        return luaL_error(L, "%s: an upload stream is written, not read", s->what);
    if (max <= 0 || max > 16 * CHUNK)
        return luaL_argerror(L, 2, "between 1 byte and 16 MiB");
    n = s->end - s->pos < (uint64_t)max ? (size_t)(s->end - s->pos) : (size_t)max;
    if (n == 0) {
        lua_pushnil(L);
        return 1;
    }
    buf = lv_malloc(n);
    while (got < n) {
        ssize_t r = pread(s->fd, buf + got, n - got, (off_t)(s->pos + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(buf);
            return raise_sys(L, s, "read");
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    s->pos += got;
    if (got == 0) {
        free(buf);
        lua_pushnil(L);
        return 1;
    }
    lua_pushlstring(L, buf, got);
    free(buf);
    return 1;
}

static int
s_size(lua_State *L)
{
    struct vstream *s = check_open(L);

    lua_pushinteger(L, (lua_Integer)(s->end - s->start));
    return 1;
}

/* s:finish(): an upload's bytes are on disk; the stream ends */
static int
s_finish(lua_State *L)
{
    struct vstream *s = check_open(L);

    if (s->upload && fsync(s->fd) < 0)
        return raise_sys(L, s, "write");
    vstream_end(s);
    return 0;
}

static int
s_close(lua_State *L)
{
    vstream_end(luaL_checkudata(L, 1, VSTREAM_MT));
    return 0;
}

static int
s_tostring(lua_State *L)
{
    struct vstream *s = luaL_checkudata(L, 1, VSTREAM_MT);

    lua_pushfstring(L, "volume stream (%s)", s->what ? s->what : "closed");
    return 1;
}

static const luaL_Reg methods[] = {
    { "write", s_write }, { "read", s_read }, { "finish", s_finish },
    { "size", s_size }, { "close", s_close }, { NULL, NULL },
};

int
vol_lua_stream(lua_State *L)
{
    const char *pool, *name;
    int upload = lv_lua_opt_bool(L, 2, "upload", 0);
    lua_Integer off = lv_lua_opt_int(L, 2, "offset", 0);
    lua_Integer len = lv_lua_opt_int(L, 2, "length", 0);
    struct lv_err err = LV_ERR_INIT;
    struct vstream *s;
    off_t size = -1;
    char *path = NULL;

    vol_lua_check(L, 1, &pool, &name);
    if (off < 0 || len < 0 || (upload && len == 0)) {
        lv_err_set(&err, LV_E_INVALID, "volume '%s': a stream needs offset >= 0 and %s",
                   name, upload ? "the length= of what is uploaded" : "length >= 0");
        return lv_lua_raise(L, &err);
    }
    s = lv_lua_new_udata(L, sizeof(*s), VSTREAM_MT, methods, s_close, s_tostring);
    s->fd = s->lock = -1;
    s->upload = upload;
    s->what = lv_asprintf("volume '%s'", name);
    s->lock = vol_ops_stream_begin(lv_lua_conn(L), pool, name, upload, &path, &err);
    if (s->lock < 0) {
        vstream_end(s);
        return lv_lua_raise(L, &err);
    }
    s->fd = open(path, (upload ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
    if (s->fd < 0 || (size = lseek(s->fd, 0, SEEK_END)) < 0) {
        lv_err_sys(&err, "%s: cannot open '%s'", s->what, path);
        free(path);
        vstream_end(s);
        return lv_lua_raise(L, &err);
    }
    free(path);
    s->start = s->pos = (uint64_t)off;
    if (upload) {
        s->end = (uint64_t)off + (uint64_t)len;
        if (s->end > (uint64_t)size) {
            lv_err_set(&err, LV_E_INVALID, "%s: cannot upload: %llu bytes at offset %llu "
                       "do not fit in %llu bytes", s->what, (unsigned long long)len,
                       (unsigned long long)off, (unsigned long long)size);
            vstream_end(s);
            return lv_lua_raise(L, &err);
        }
    } else {
        s->end = (uint64_t)off < (uint64_t)size ? (uint64_t)size : (uint64_t)off;
        if (len > 0 && (uint64_t)off + (uint64_t)len < s->end)
            s->end = (uint64_t)off + (uint64_t)len;
    }
    return 1;
}
