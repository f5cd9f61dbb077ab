/* remote_chan.h - the framed byte channel of a remote connection: frames
 * (a 4-byte big-endian length, then that many bytes) over a pair of pipes
 * to a spawned program (ssh ... luavirt __serve URI), or over this
 * process's stdin/stdout (the __serve side). What the frames hold is the
 * business of lua/stdlib/remote*.lua; this file moves bytes, with
 * deadlines, and keeps the last line the program wrote to stderr so an
 * error can say why ssh failed.
 *
 * Lua: require("remote_chan")
 *   .spawn(argv)   -> chan   (argv[1] looked up in PATH; execve, no shell)
 *   .stdio()       -> chan   (frames on fds 0/1; fd 1 then points at
 *                             stderr, so a stray print cannot break a frame)
 *   chan:send(s)             raises on a write error
 *   chan:recv([timeout_s])   -> s | nil, why ("closed: <stderr line>",
 *                             "timeout"); in a virt.parallel task it
 *                             yields to the loop while it waits
 *   chan:close([term])      -> exit status of the program (or nil); term:
 *                              SIGTERM it first (ssh -N does not end at EOF)
 *   chan:stderr()           -> the last line the program wrote to stderr
 *   chan:running()          -> false once the program has ended
 *   .hex(s), .unhex(h)       bytes to hex and back (the wire's non-UTF-8
 *                             strings)
 * and, from remote_sock.c:
 *   .run(argv)              -> exit status of argv run with our stdio
 *   .private_dir(path)      -> true | nil, why: a 0700 directory of this user
 *   .euid()                 -> the effective uid */
#ifndef LV_REMOTE_CHAN_H
#define LV_REMOTE_CHAN_H

#include <lua.h>
#include <stddef.h>
#include <stdint.h>

/* The largest frame either side accepts (a definition, a list of 10000
 * domains: far below it). */
#define LV_CHAN_MAX_FRAME (64u << 20)

/* Frame header helpers (exposed for the unit test). */
void lv_chan_put_len(unsigned char hdr[4], uint32_t n);
uint32_t lv_chan_get_len(const unsigned char hdr[4]);

/* package.preload["remote_chan"]. */
int lv_remote_chan_open(lua_State *L);

#endif
