import Foundation

/// The slow part of the fault suite (20,000 files, long fuzzing, waits of several retry
/// periods) runs only from `Tests/faults/run`, which sets `TROBADOR_FAULTS=full`; CI runs
/// the rest inside `swift test`.
enum FaultRun {
    static var isFull: Bool { ProcessInfo.processInfo.environment["TROBADOR_FAULTS"] == "full" }
}
