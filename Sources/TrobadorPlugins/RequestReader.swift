import Foundation
import TrobadorCore

/// Reads the `[create]`, `[update]` and `[delete]` requests of a declarative plugin, parses
/// their templates, and renders each once with a hostile sample post to prove that what they
/// produce is a well-formed URL and, for JSON, a well-formed body.
struct RequestReader {
    static let requestKeys = ["method", "url", "headers", "body", "body_file", "body_format", "basic_auth", "requires", "max_body_bytes", "response"]
    static let responseKeys = ["remote_id", "url", "url_template", "error", "retry_after", "retry_after_unit", "success", "success_equals", "error_code", "explain"]
    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]

    let root: ManifestTable
    let settings: [ChannelSettingSpec]
    let directory: String

    func read() -> PluginRequests? {
        guard root.value("create") != nil else {
            root.missing("a plugin needs either [create] (the HTTP request that publishes) or `exec` (a program that does)")
            return nil
        }
        let create = request("create", phase: .create)
        let reply = root.value("reply") != nil ? request("reply", phase: .reply) : nil
        let update = root.value("update") != nil ? request("update", phase: .edit) : nil
        let delete = root.value("delete") != nil ? request("delete", phase: .edit) : nil
        guard let create else { return nil }
        return PluginRequests(create: create, reply: reply, update: update, delete: delete)
    }

    private func request(_ key: String, phase: ValueShape.Phase) -> RequestTemplate? {
        guard let table = root.table(key) else { return nil }
        table.rejectUnknownKeys(known: Self.requestKeys)
        let values = ValueShape.message(settings: settings, phase: phase)
        let method = table.choice("method", among: Self.methods)
        if table.value("method") == nil { table.missing("\(table.title) has no `method` (\(Self.methods.joined(separator: ", ")))") }
        let url = template(table, "url", escaping: .url, values: values, required: true)

        var headers: [(name: String, value: PluginTemplate)] = []
        if let headerTable = table.table("headers") {
            for name in headerTable.keys {
                guard headerTable.value(name)?.string != nil else {
                    headerTable.error("header `\(name)` must be text (a template)", atValueOf: name)
                    continue
                }
                if let value = template(headerTable, name, escaping: .header, values: values) { headers.append((name, value)) }
            }
        }
        let format = table.choice("body_format", among: RequestTemplate.BodyFormat.allCases.map(\.rawValue))
            .flatMap(RequestTemplate.BodyFormat.init(rawValue:)) ?? .json
        let body = readBody(table, format: format, values: values)

        var basicAuth: (PluginTemplate, PluginTemplate)?
        if let auth = table.table("basic_auth") {
            auth.rejectUnknownKeys(known: ["user", "password"])
            if let user = template(auth, "user", escaping: .text, values: values, required: true),
               let password = template(auth, "password", escaping: .text, values: values, required: true) {
                basicAuth = (user, password)
            }
        }
        let requires = table.stringList("requires") ?? []
        for name in requires where !settings.contains(where: { $0.key == name }) {
            table.error("`requires` names `\(name)`, which is not one of the plugin's [settings]", atValueOf: "requires")
        }
        let maxBodyBytes = table.integer("max_body_bytes", atLeast: 1)
        let response = readResponse(table.table("response"), values: values)
        guard let method, let url else { return nil }
        let request = RequestTemplate(
            method: method, url: url, headers: headers, body: body, bodyFormat: format, basicAuth: basicAuth,
            requires: requires, maxBodyBytes: maxBodyBytes, response: response)
        SampleRendering(settings: settings, phase: phase).check(request, table: table)
        return request
    }

    private func readBody(_ table: ManifestTable, format: RequestTemplate.BodyFormat, values: ValueShape) -> PluginTemplate? {
        if table.value("body") != nil, table.value("body_file") != nil {
            table.error("give either `body` (the template itself) or `body_file` (a template file), not both", atKey: "body_file")
            return nil
        }
        if table.value("body") != nil { return template(table, "body", escaping: format.escaping, values: values) }
        guard let file = table.string("body_file") else { return nil }
        guard !file.hasPrefix("/"), !file.split(separator: "/").contains("..") else {
            table.error("`body_file` must name a file inside the plugin folder, such as \"create.json\"", atValueOf: "body_file")
            return nil
        }
        let path = directory + "/" + file
        guard let data = FileManager.default.contents(atPath: path), var text = String(data: data, encoding: .utf8) else {
            table.error("`body_file`: cannot read \(path) as UTF-8 text", atValueOf: "body_file")
            return nil
        }
        // Editors end files with a newline; it is not part of the body (it would end a form's last value).
        if text.hasSuffix("\n") { text.removeLast() }
        do {
            return try PluginTemplate(text, escaping: format.escaping, origin: .file(path), values: values)
        } catch {
            root.diagnostics.add(error.problems)
            return nil
        }
    }

    private func readResponse(_ table: ManifestTable?, values: ValueShape) -> ResponseReading {
        var reading = ResponseReading()
        guard let table else { return reading }
        table.rejectUnknownKeys(known: Self.responseKeys)
        reading.remoteID = table.pointer("remote_id")
        reading.url = table.pointer("url")
        if table.value("url") != nil, table.value("url_template") != nil {
            table.error("give either `url` (a pointer into the answer) or `url_template`, not both", atKey: "url_template")
        }
        var withID = values
        if case .object(var fields) = withID {
            fields["remote_id"] = .scalar
            withID = .object(fields)
        }
        reading.urlTemplate = template(table, "url_template", escaping: .url, values: withID)
        reading.error = table.pointer("error")
        reading.errorCode = table.pointer("error_code")
        if let explain = table.table("explain") {
            if reading.error == nil, reading.errorCode == nil {
                table.error("[explain] gives the meaning of error codes: say where they are with `error_code` or `error`", atKey: "explain")
            }
            for code in explain.keys {
                guard let meaning = explain.string(code) else { continue }
                guard !meaning.isEmpty else {
                    explain.error("the meaning of `\(code)` is empty: say what it means and what to do", atValueOf: code)
                    continue
                }
                reading.explanations[code] = meaning
            }
        }
        reading.retryAfter = table.pointer("retry_after")
        if let unit = table.choice("retry_after_unit", among: ResponseReading.Unit.allCases.map(\.rawValue)) {
            reading.retryAfterUnit = ResponseReading.Unit(rawValue: unit) ?? .seconds
        }
        reading.success = table.pointer("success")
        reading.successEquals = table.scalarText("success_equals")
        if (reading.success == nil) != (reading.successEquals == nil) {
            table.error("`success` (where) and `success_equals` (what it must be) go together", atKey: reading.success == nil ? "success_equals" : "success")
        }
        return reading
    }

    private func template(
        _ table: ManifestTable, _ key: String, escaping: TemplateEscaping, values: ValueShape, required: Bool = false
    ) -> PluginTemplate? {
        guard let text = table.string(key, required: required) else { return nil }
        do {
            return try PluginTemplate(text, escaping: escaping, origin: table.templateOrigin(key), values: values)
        } catch {
            table.diagnostics.add(error.problems)
            return nil
        }
    }
}
