// Sets the ports librdkafka's mock brokers listen on, which its API (2.0.2) cannot.
//
// The mock binds each broker's listening socket to 127.0.0.1 port 0 and advertises the port the
// kernel picked. This file defines bind(): the executable's definition comes before libc's when
// librdkafka's call is resolved, so while the calling thread has armed a plan, its binds to
// 127.0.0.1:0 get the planned ports in turn. Every other bind, and every bind of every other
// thread, goes to libc unchanged. Whether it took effect is checked by the caller (the ports the
// cluster reports), so a linker that does not export this symbol shows as an error, never as
// brokers silently listening elsewhere.
#define _GNU_SOURCE
#include "CMockBrokerPorts.h"

#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

enum { max_planned_ports = 16 };

static __thread uint16_t planned_ports[max_planned_ports];
static __thread int planned_count;
static __thread int planned_next;

void reco_mock_broker_ports_arm(const uint16_t *ports, int count) {
    if (count > max_planned_ports) count = max_planned_ports;
    if (count < 0) count = 0;
    memcpy(planned_ports, ports, (size_t)count * sizeof(uint16_t));
    planned_count = count;
    planned_next = 0;
}

int reco_mock_broker_ports_disarm(void) {
    int used = planned_next;
    planned_count = 0;
    planned_next = 0;
    return used;
}

typedef int (*bind_function)(int, const struct sockaddr *, socklen_t);

int bind(int descriptor, const struct sockaddr *address, socklen_t length) {
    static bind_function libc_bind;
    bind_function next = __atomic_load_n(&libc_bind, __ATOMIC_ACQUIRE);
    if (!next) {
        next = (bind_function)dlsym(RTLD_NEXT, "bind");
        if (!next) {
            errno = ENOSYS;
            return -1;
        }
        __atomic_store_n(&libc_bind, next, __ATOMIC_RELEASE);
    }
    if (planned_next < planned_count && address && address->sa_family == AF_INET && length >= sizeof(struct sockaddr_in)) {
        struct sockaddr_in planned;
        memcpy(&planned, address, sizeof planned);
        if (planned.sin_port == 0 && planned.sin_addr.s_addr == htonl(INADDR_LOOPBACK)) {
            planned.sin_port = htons(planned_ports[planned_next++]);
            return next(descriptor, (const struct sockaddr *)&planned, sizeof planned);
        }
    }
    return next(descriptor, address, length);
}
