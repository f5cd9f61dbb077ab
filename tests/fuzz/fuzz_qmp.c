/* fuzz_qmp.c - libFuzzer target for the QMP reader (kvm/qmp_io.c): what
 * QEMU (or anything at the other end of the socket) sends is framed into
 * messages; no input may crash it, hang it or leak. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kvm/qmp_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lv_err err = LV_ERR_INIT;
    struct qmp_io io;
    int sv[2];

    if (size > 100000 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        return 0;
    int sz = 256 * 1024;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
    if (write(sv[0], data, size) != (ssize_t)size)
        abort();
    close(sv[0]);
    if (qmp_io_init(&io, sv[1], &err) < 0)
        abort();
    for (;;) {
        json_t *m;
        while ((m = qmp_io_next(&io, "fuzz")))
            json_decref(m);
        if (io.eof || io.failed)
            break;
        if (qmp_io_fill(&io, &err) < 0) {
            while ((m = qmp_io_next(&io, "fuzz")))
                json_decref(m);
            break;
        }
    }
    qmp_io_close(&io);
    return 0;
}
