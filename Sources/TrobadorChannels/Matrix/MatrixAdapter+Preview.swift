import CurlHTTP
import TrobadorCore

extension MatrixAdapter {
    /// The same requests as `deliver`, with placeholders for what only the homeserver can
    /// say (event ids of earlier parts, the `mxc://` URI of an upload). An upload's bytes are
    /// not read for a preview: its purpose gives their size.
    func preview(_ message: OutboundMessage) -> [PreviewRequest] {
        guard case .success(let plan) = plan(for: message) else { return [] }
        let txn = { (label: String) in message.idempotencyKey + "." + label }
        let reference: (Int) -> String = { slot in
            if case .editText(let eventID, _)? = plan.steps.first(where: { $0.slot == slot })?.action { return eventID }
            return "{event id of part \(slot + 1)}"
        }
        var previews: [PreviewRequest] = []
        for step in plan.steps {
            switch step.action {
            case .keep:
                continue
            case .redact(let eventID):
                previews.append(PreviewRequest(request: client.redact(eventID, txnID: txn(step.label)), purpose: step.purpose))
            case .sendImage(let index):
                let item = message.media[index]
                previews.append(PreviewRequest(
                    request: client.upload(item),
                    purpose: "upload image \(index + 1) (\(item.name), \(item.contentType), \(item.size) bytes) to the media repository"))
                let content = MatrixContent.image(item, url: .string("{mxc URI of image \(index + 1)}"))
                previews.append(PreviewRequest(
                    request: client.send(content, txnID: txn(step.label)), purpose: step.purpose, length: Self.length(content)))
            case .sendText, .editText:
                guard let content = content(step.action, reference: reference) else { continue }
                previews.append(PreviewRequest(
                    request: client.send(content, txnID: txn(step.label)), purpose: step.purpose, length: Self.length(content)))
            }
        }
        return previews
    }

    /// Matrix counts an event in bytes of JSON; the homeserver adds its envelope to these.
    static func length(_ content: JSONValue) -> TextLength {
        TextLength(count: content.bytes.count, limit: MatrixLimits.eventBytes, unit: "bytes of event content (UTF-8 JSON)")
    }
}
