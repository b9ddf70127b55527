// Shim over rabbitmq-c, imported (internal) by the Broker module only.
#ifndef SI_CRABBITMQ_SHIM_H
#define SI_CRABBITMQ_SHIM_H

// rabbitmq-c 0.12 moved its headers under <rabbitmq-c/…>; Debian 12 ships 0.11 with flat headers.
// The SSL socket (amqps://) lives in librabbitmq itself, built with OpenSSL: no extra library to link.
#if __has_include(<rabbitmq-c/amqp.h>)
#include <rabbitmq-c/amqp.h>
#include <rabbitmq-c/framing.h>
#include <rabbitmq-c/tcp.h>
#include <rabbitmq-c/ssl_socket.h>
#else
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <amqp_ssl_socket.h>
#endif

#include <sys/time.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

// amqp_login is variadic (the SASL credentials follow `...`), and Swift cannot call C variadics.
static inline amqp_rpc_reply_t si_amqp_login_plain(amqp_connection_state_t state, const char *vhost,
                                                   int channel_max, int frame_max, int heartbeat,
                                                   const char *user, const char *password) {
    return amqp_login(state, vhost, channel_max, frame_max, heartbeat, AMQP_SASL_METHOD_PLAIN,
                      user, password);
}

// The method ids are macros with a cast, which Swift does not import; these typed constants stand in.
static const amqp_method_number_t si_amqp_basic_ack_method = AMQP_BASIC_ACK_METHOD;
static const amqp_method_number_t si_amqp_basic_nack_method = AMQP_BASIC_NACK_METHOD;
static const amqp_method_number_t si_amqp_basic_return_method = AMQP_BASIC_RETURN_METHOD;
static const amqp_method_number_t si_amqp_basic_cancel_method = AMQP_BASIC_CANCEL_METHOD;
static const amqp_method_number_t si_amqp_channel_close_method = AMQP_CHANNEL_CLOSE_METHOD;
static const amqp_method_number_t si_amqp_channel_close_ok_method = AMQP_CHANNEL_CLOSE_OK_METHOD;
static const amqp_method_number_t si_amqp_connection_close_method = AMQP_CONNECTION_CLOSE_METHOD;
static const amqp_method_number_t si_amqp_connection_close_ok_method = AMQP_CONNECTION_CLOSE_OK_METHOD;

// The connection thread sleeps in poll() on the AMQP socket plus an eventfd that callers signal when they put
// work in its mailbox (the NIO selector's wakeup). Glibc's Swift module does not export <sys/eventfd.h>.
static inline int si_eventfd_open(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

// Adds one to the counter, waking a poll() on the descriptor; an overflowing (already signalled) counter is fine.
static inline void si_eventfd_signal(int fd) { (void)eventfd_write(fd, 1); }

// Resets the counter after a wakeup; EAGAIN (nothing signalled) is the normal empty case.
static inline void si_eventfd_drain(int fd) { eventfd_t value; (void)eventfd_read(fd, &value); }

// Waits for the socket (pass -1 to skip it) or the wakeup descriptor, reporting each one's revents.
static inline int si_poll_two(int socket_fd, int wakeup_fd, int timeout_ms, short *socket_events, short *wakeup_events) {
    struct pollfd fds[2] = {{socket_fd, POLLIN, 0}, {wakeup_fd, POLLIN, 0}};
    int rc = poll(fds, 2, timeout_ms);
    *socket_events = fds[0].revents;
    *wakeup_events = fds[1].revents;
    return rc;
}

// Names the calling thread (15 bytes at most) for `top -H` and debuggers; prctl is variadic and
// pthread_setname_np needs _GNU_SOURCE, so neither imports into Swift directly.
#ifdef __linux__
#include <sys/prctl.h>
static inline void si_set_thread_name(const char *name) { (void)prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0); }
#else
static inline void si_set_thread_name(const char *name) { (void)name; }
#endif

#endif
