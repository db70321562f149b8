import CRdKafka
import Logging

/// A consumer's rebalance callback: takes the partitions librdkafka assigns, and commits what
/// was finished before partitions are taken away, so the next owner starts after it. Eager and
/// cooperative protocols alike.
enum RdKafkaRebalance {
    static func handle(_ client: OpaquePointer, error: rd_kafka_resp_err_t, partitions list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
                       assignment: Assignment, logger: Logger) {
        let changed = RdKafkaPartitionList.entries(of: list).map(\.partition)
        let cooperative = String(cString: rd_kafka_rebalance_protocol(client)) == "COOPERATIVE"
        switch error {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            if cooperative {
                if let error = rd_kafka_incremental_assign(client, list) { logger.error("assign failed", metadata: ["kafka.error": "\(KafkaError(consuming: error))"]) }
            } else {
                rd_kafka_assign(client, list)
            }
            assignment.add(changed)
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
            assignment.remove(changed)
            logger.info("partitions revoked", metadata: ["kafka.partitions": "\(changed.map(\.description).sorted())"])
        default:
            logger.error("rebalance error", metadata: ["kafka.error": "\(KafkaError(error))"])
            rd_kafka_assign(client, nil)
            assignment.removeAll()
        }
    }
}
