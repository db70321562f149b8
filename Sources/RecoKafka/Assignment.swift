import CRdKafka
import Logging
import Synchronization

/// Tracks a consumer's assignment and commits before partitions are taken away, so the next
/// owner starts after what this member finished.
final class Assignment: RebalanceHandling {
    private let partitions = Mutex<Set<KafkaTopicPartition>>([])
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    var current: Set<KafkaTopicPartition> { partitions.withLock { $0 } }

    func rebalance(_ client: OpaquePointer, error: rd_kafka_resp_err_t, partitions list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) {
        let changed = PartitionList.entries(of: list).map(\.partition)
        let cooperative = String(cString: rd_kafka_rebalance_protocol(client)) == "COOPERATIVE"
        switch error {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            if cooperative {
                if let error = rd_kafka_incremental_assign(client, list) { logger.error("assign failed", metadata: ["kafka.error": "\(KafkaError(consuming: error))"]) }
            } else {
                rd_kafka_assign(client, list)
            }
            partitions.withLock { $0.formUnion(changed) }
            logger.info("partitions assigned", metadata: ["kafka.partitions": "\(changed.map(\.description).sorted())"])
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            // Commit what was finished before losing the partitions.
            let result = rd_kafka_commit(client, nil, 0)
            if result != RD_KAFKA_RESP_ERR_NO_ERROR && result != RD_KAFKA_RESP_ERR__NO_OFFSET {
                logger.warning("commit on revoke failed", metadata: ["kafka.error": "\(KafkaError(result))"])
            }
            if cooperative {
                if let error = rd_kafka_incremental_unassign(client, list) { logger.error("unassign failed", metadata: ["kafka.error": "\(KafkaError(consuming: error))"]) }
            } else {
                rd_kafka_assign(client, nil)
            }
            partitions.withLock { $0.subtract(changed) }
            logger.info("partitions revoked", metadata: ["kafka.partitions": "\(changed.map(\.description).sorted())"])
        default:
            logger.error("rebalance error", metadata: ["kafka.error": "\(KafkaError(error))"])
            rd_kafka_assign(client, nil)
            partitions.withLock { $0.removeAll() }
        }
    }
}
