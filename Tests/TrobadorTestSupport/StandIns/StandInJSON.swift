import Foundation

/// JSON as the stand-ins read requests and write answers.
public enum StandInJSON {
    /// The JSON object in `data`, or nil.
    public static func object(_ data: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// A JSON answer, `Content-Type: application/json` unless `headers` says otherwise.
    public static func answer(_ object: Any, status: Int = 200, headers: [String: String] = [:]) -> LoopbackReceiver.Answer {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return .init(status: status, headers: ["Content-Type": "application/json"].merging(headers) { $1 }, body: String(decoding: data, as: UTF8.self))
    }
}
