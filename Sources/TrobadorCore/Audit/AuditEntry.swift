/// One record of the audit trail, written with the end of the attempt it describes and
/// never rewritten: what was done on a channel (a publication, an edit, a deletion, or why
/// nothing was sent), where the copy is, and the requests as they were sent.
public struct AuditEntry: Sendable, Equatable {
    /// What was done, in words: `publish`, `update`, `update as a new message`, `update skipped`,
    /// `retract`, `retraction left to an operator`.
    public var performed: String
    /// Why, when it differs from what was asked.
    public var note: String?
    public var sent: [SentRequest] { requests.all }
    let requests: SentRequests

    /// `performed` of an update a channel that cannot edit published as a new message.
    public static let updateAsNewMessage = "update as a new message"
    /// `performed` of an update not sent (`on_update = "skip"`).
    public static let updateSkipped = "update skipped"
    /// `performed` of a retraction a channel cannot perform.
    public static let retractionLeftToOperator = "retraction left to an operator"

    public init(performed: String, note: String? = nil, sent: [SentRequest]) {
        self.init(performed: performed, note: note, requests: SentRequests(sent))
    }

    init(performed: String, note: String?, requests: SentRequests) {
        self.performed = performed
        self.note = note
        self.requests = requests
    }
}

/// The requests of one attempt, with the JSON array the audit table keeps of them (UTF-8, bound
/// as text as it is). Made by the attempt's own task, many of which run at once, rather than by
/// the engine between two steps or inside the write transaction that intake and delivery all
/// wait on.
struct SentRequests: Sendable, Equatable {
    private let recorded: [RecordedRequest]
    let json: [UInt8]

    var all: [SentRequest] { recorded.map(\.sent) }
    var isEmpty: Bool { recorded.isEmpty }

    init(_ all: [SentRequest]) {
        self.init(recorded: all.map(RecordedRequest.init))
    }

    init(recorded: [RecordedRequest]) {
        self.recorded = recorded
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(recorded.reduce(256) { $0 + ($1.text?.count ?? 0) + 512 })
        for (index, request) in recorded.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            request.appendJSON(to: &out)
        }
        out.append(UInt8(ascii: "]"))
        json = out
    }
}
