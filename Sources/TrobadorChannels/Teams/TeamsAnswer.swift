import CurlHTTP
import Foundation

/// Reads a Workflows (Azure Logic Apps) webhook's error answers:
/// `{"error": {"code": "DirectApiAuthorizationRequired", "message": "…"}}`.
enum TeamsAnswer {
    static func reason(_ response: HTTPResponse) -> String? {
        guard !(200..<300).contains(response.status),
              let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any],
              let error = object["error"] as? [String: Any] else { return nil }
        let code = error["code"] as? String
        let message = (error["message"] as? String).map { String($0.prefix(300)) }
        var reason = "Teams workflow: " + [code, message].compactMap { $0 }.joined(separator: ": ")
        if let advice = code.flatMap(advice(for:)) { reason += " (\(advice))" }
        return reason
    }

    private static func advice(for code: String) -> String? {
        switch code {
        case "DirectApiAuthorizationRequired", "DirectApiInvalidAuthorizationScheme", "AuthorizationFailed":
            "the URL's signature is missing or wrong: copy the workflow's webhook URL again, `sig` included"
        case "WorkflowNotFound", "WorkflowTriggerNotFound":
            "the workflow was deleted or its URL changed: copy the new webhook URL from Workflows"
        case "WorkflowTriggerIsNotEnabled", "WorkflowDisabled", "FlowDisabled":
            "the workflow is turned off: turn it on in Workflows"
        case "InvalidRequestContent", "TriggerInputSchemaMismatch":
            "the workflow expects another body: use the template \"Post to a channel when a webhook request is received\""
        default: nil
        }
    }
}
