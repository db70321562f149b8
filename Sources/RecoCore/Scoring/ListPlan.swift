/// How a customer's list is made: answered at once (EASE, cold start, popularity), or by a scan
/// of the movie factors that may share its pass over memory with other customers' scans.
public enum ListPlan: Sendable {
    case answered(Recommendation)
    case scan(FactorScan)
}
