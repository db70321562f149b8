/// One training epoch's figures, for progress lines and the learning-curve report.
public struct EpochReport: Sendable, Codable, Equatable {
    public var epoch: Int
    /// RMSE of the errors seen during the epoch's SGD pass (before each update).
    public var trainRMSE: Double
    public var holdoutRMSE: Double?
    public var holdoutMAE: Double?
    public var seconds: Double
}
