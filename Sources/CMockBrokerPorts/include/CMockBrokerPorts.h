#ifndef RECO_MOCK_BROKER_PORTS_H
#define RECO_MOCK_BROKER_PORTS_H

#include <stdint.h>

/// Until disarmed, the calling thread's binds of a socket to 127.0.0.1:0 take these ports, in
/// order. librdkafka's mock cluster (2.0.2) binds each broker's listener that way, in the thread
/// that calls rd_kafka_mock_cluster_new, and has no other way to set the port it listens on
/// and advertises. At most 16 ports.
void reco_mock_broker_ports_arm(const uint16_t *ports, int count);

/// Ends the plan of the calling thread; returns how many of its ports were handed out.
int reco_mock_broker_ports_disarm(void);

#endif
