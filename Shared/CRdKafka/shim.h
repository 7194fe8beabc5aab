#ifndef ATTACHE_CRDKAFKA_SHIM_H
#define ATTACHE_CRDKAFKA_SHIM_H
/* librdkafka's client API and its mock cluster (the embedded broker). */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/* rd_kafka_producev is variadic, which Swift cannot call: this fixes its arguments.
 * The payload and key are copied. On success librdkafka owns `headers` (may be NULL);
 * on failure the caller still does. `timestamp` is the record's create time in milliseconds
 * since the epoch, 0 for now. */
static inline rd_kafka_resp_err_t attache_produce_at(rd_kafka_t *rk, const char *topic, int32_t partition,
                                                     const void *key, size_t key_len,
                                                     const void *value, size_t value_len,
                                                     rd_kafka_headers_t *headers, void *opaque, int64_t timestamp) {
    return rd_kafka_producev(rk,
                             RD_KAFKA_V_TOPIC(topic),
                             RD_KAFKA_V_PARTITION(partition),
                             RD_KAFKA_V_KEY(key, key_len),
                             RD_KAFKA_V_VALUE((void *)value, value_len),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_HEADERS(headers),
                             RD_KAFKA_V_OPAQUE(opaque),
                             RD_KAFKA_V_TIMESTAMP(timestamp),
                             RD_KAFKA_V_END);
}

/* attache_produce_at with the create time set by librdkafka (now). */
static inline rd_kafka_resp_err_t attache_produce(rd_kafka_t *rk, const char *topic, int32_t partition,
                                                  const void *key, size_t key_len,
                                                  const void *value, size_t value_len,
                                                  rd_kafka_headers_t *headers, void *opaque) {
    return attache_produce_at(rk, topic, partition, key, key_len, value, value_len, headers, opaque, 0);
}
#endif
