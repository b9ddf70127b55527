// Shim over rabbitmq-c, imported (internal) by the Broker module only.
#ifndef SI_CRABBITMQ_SHIM_H
#define SI_CRABBITMQ_SHIM_H

// rabbitmq-c 0.12 moved its headers under <rabbitmq-c/…>; Debian 12 ships 0.11 with flat headers.
#if __has_include(<rabbitmq-c/amqp.h>)
#include <rabbitmq-c/amqp.h>
#include <rabbitmq-c/framing.h>
#include <rabbitmq-c/tcp.h>
#else
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#endif

#include <sys/time.h>

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

#endif
