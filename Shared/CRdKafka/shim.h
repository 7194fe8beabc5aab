#ifndef ATTACHE_CRDKAFKA_SHIM_H
#define ATTACHE_CRDKAFKA_SHIM_H
/* librdkafka's client API and its mock cluster (the embedded broker). */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#endif
