import CRdKafka
#if canImport(Glibc)
import Glibc
#endif

/// The producer's C calls.
extension RdKafkaHandle {
    /// Queues one message (copied by librdkafka); `id` comes back in its delivery report.
    func produce(_ message: KafkaOutgoingMessage, id: UInt64) -> KafkaError? {
        let names = message.headers.map { strdup($0.name) }
        defer { names.forEach { free($0) } }
        let key = message.key ?? []
        let hasKey = message.key != nil
        let headerValues = message.headers.map(\.value)
        return message.topic.withCString { topic in
            message.value.withUnsafeBytes { value in
                key.withUnsafeBytes { keyBytes in
                    var fields: [rd_kafka_vu_t] = []
                    var field = rd_kafka_vu_t()
                    field.vtype = RD_KAFKA_VTYPE_TOPIC
                    field.u.cstr = topic
                    fields.append(field)
                    field = rd_kafka_vu_t()
                    field.vtype = RD_KAFKA_VTYPE_VALUE
                    field.u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress)
                    field.u.mem.size = value.count
                    fields.append(field)
                    if hasKey {
                        field = rd_kafka_vu_t()
                        field.vtype = RD_KAFKA_VTYPE_KEY
                        field.u.mem.ptr = UnsafeMutableRawPointer(mutating: keyBytes.baseAddress)
                        field.u.mem.size = keyBytes.count
                        fields.append(field)
                    }
                    field = rd_kafka_vu_t()
                    field.vtype = RD_KAFKA_VTYPE_MSGFLAGS
                    field.u.i = RD_KAFKA_MSG_F_COPY
                    fields.append(field)
                    field = rd_kafka_vu_t()
                    field.vtype = RD_KAFKA_VTYPE_OPAQUE
                    field.u.ptr = UnsafeMutableRawPointer(bitPattern: UInt(id))
                    fields.append(field)
                    // Header values must stay valid during the call: copy them into one buffer.
                    let total = headerValues.reduce(0) { $0 + $1.count }
                    let storage = UnsafeMutableRawPointer.allocate(byteCount: max(total, 1), alignment: 1)
                    defer { storage.deallocate() }
                    var offset = 0
                    for (index, bytes) in headerValues.enumerated() {
                        bytes.withUnsafeBytes { (storage + offset).copyMemory(from: $0.baseAddress ?? UnsafeRawPointer(storage), byteCount: $0.count) }
                        field = rd_kafka_vu_t()
                        field.vtype = RD_KAFKA_VTYPE_HEADER
                        field.u.header.name = UnsafePointer(names[index])
                        field.u.header.val = UnsafeRawPointer(storage + offset)
                        field.u.header.size = bytes.count
                        fields.append(field)
                        offset += bytes.count
                    }
                    guard let error = rd_kafka_produceva(pointer, &fields, fields.count) else { return nil }
                    return KafkaError(consuming: error)
                }
            }
        }
    }

    /// Messages queued but not yet acknowledged or failed.
    var outstandingMessages: Int { Int(rd_kafka_outq_len(pointer)) }

    /// Waits up to `timeout` for queued messages; returns how many are still outstanding.
    func flush(timeout: Duration) async -> Int {
        let milliseconds = Self.milliseconds(timeout)
        return await blocking { client in
            _ = rd_kafka_flush(client, milliseconds)
            return Int(rd_kafka_outq_len(client))
        }
    }

    /// `topic`'s partition count from the cluster's metadata (also tells librdkafka its leaders).
    func partitionCount(of topic: String, timeout: Duration) async throws(KafkaError) -> Int {
        let milliseconds = Self.milliseconds(timeout)
        let result: Result<Int, KafkaError> = await blocking { client in
            guard let topicHandle = rd_kafka_topic_new(client, topic, nil) else {
                return .failure(KafkaError(rd_kafka_last_error(), context: "open topic \(topic)"))
            }
            defer { rd_kafka_topic_destroy(topicHandle) }
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let error = rd_kafka_metadata(client, 0, topicHandle, &metadata, milliseconds)
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { return .failure(KafkaError(error, context: "read metadata of \(topic)")) }
            defer { rd_kafka_metadata_destroy(metadata) }
            guard metadata.pointee.topic_cnt == 1 else { return .failure(KafkaError(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, context: "read metadata of \(topic)")) }
            let entry = metadata.pointee.topics[0]
            guard entry.err == RD_KAFKA_RESP_ERR_NO_ERROR else { return .failure(KafkaError(entry.err, context: "read metadata of \(topic)")) }
            return .success(Int(entry.partition_cnt))
        }
        return try result.get()
    }
}
