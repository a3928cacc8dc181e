import CurlHTTP
import Foundation
import Testing
import TrobadorCore
import TrobadorTestSupport
@testable import TrobadorPlugins

/// A built-in type, as the catalog sees one.
private struct FakeBuiltIn: ChannelType {
    let name = "webhook"
    let summary = "built in"
    let settings: [ChannelSettingSpec] = []
    let capabilities = ChannelCapabilities(formatting: .plain)
    let defaultConcurrency = 1
    func makeAdapter(for channel: ChannelConfig, context: ChannelContext) throws(ChannelSetupError) -> any ChannelAdapter {
        throw ChannelSetupError("not used")
    }
}

@Suite("The search path: order, overrides, built-ins, broken plugins")
struct ChannelCatalogTests {
    @Test func a_later_directory_replaces_a_plugin_and_a_plugin_cannot_replace_a_built_in() throws {
        let first = try PluginFolder()
        let second = try PluginFolder()
        defer { first.remove(); second.remove() }
        try first.plugin("example", ["plugin.toml": validManifest, "create.json": validBody])
        try first.plugin("webhook", ["plugin.toml": validManifest, "create.json": validBody])
        try second.plugin("example", ["plugin.toml": validManifest.replacingOccurrences(of: "Example network", with: "Local copy"), "create.json": validBody])
        let catalog = ChannelCatalog.load(builtIns: [FakeBuiltIn()], searchPath: PluginSearchPath(directories: [
            .init(path: first.path, configured: false), .init(path: second.path, configured: true),
            .init(path: first.path + "/nowhere", configured: true),
        ]))
        #expect(catalog.types.map(\.name) == ["webhook", "example"])
        #expect(catalog.types[0].summary == "built in")
        #expect(catalog.types[1].summary == "Local copy")
        #expect(catalog.entries[1].origin == .plugin(directory: second.path + "/example", replaces: [first.path + "/example"]))
        #expect(catalog.errors.map(\.message) == ["the plugin `webhook` has the name of a built-in channel type, which a plugin cannot replace: rename its folder"])
        #expect(catalog.problems.filter { $0.severity == .warning }.map(\.message) == ["plugin_dirs names a directory that does not exist"])
    }

    @Test func a_broken_plugin_keeps_its_type_so_the_configuration_loads_and_only_its_channels_are_refused() throws {
        let folder = try PluginFolder()
        defer { folder.remove() }
        try folder.plugin("garbled", ["plugin.toml": "summary = \"x\"\n[create\n"])
        try folder.plugin("half", ["plugin.toml": validManifest, "create.json": "{\"to\": \"{{settings.nope}}\"}"])
        let catalog = ChannelCatalog.load(builtIns: [], searchPath: PluginSearchPath(directories: [.init(path: folder.path, configured: true)]))
        #expect(catalog.typesWithUnknownKeys == ["garbled"])
        #expect(catalog.settingSpecs["half"]?.map(\.key) == ["url"], "its settings still check its channels' keys")
        let configuration = try catalog.loader(environment: [:]).parse("""
            [[channel]]
            name = "g"
            type = "garbled"
            anything = "goes"

            [[channel]]
            name = "h"
            type = "half"
            url = "https://example.org"
            """, path: "/tmp/t.toml")
        let context = ChannelContext(http: CurlHTTPClient(), spoolDirectory: "/tmp")
        for channel in configuration.channels {
            let type = try #require(catalog.types.first { $0.name == channel.type })
            #expect(throws: ChannelSetupError.self) { _ = try type.makeAdapter(for: channel, context: context) }
        }
    }

    @Test func the_bundled_directory_is_the_environment_variable_or_the_checkout_above_the_binary() {
        #expect(PluginSearchPath.bundledDirectory(environment: ["TROBADOR_PLUGINS_DIR": "/opt/p"], executablePath: "/x/trobador") == "/opt/p")
        #expect(PluginSearchPath.bundledDirectory(environment: ["TROBADOR_PLUGINS_DIR": ""], executablePath: "/x/trobador") == nil)
        let checkout = URL(fileURLWithPath: shippedPlugins).deletingLastPathComponent().path
        #expect(PluginSearchPath.bundledDirectory(environment: [:], executablePath: checkout + "/.build/debug/trobador") == checkout + "/plugins")
        let standard = PluginSearchPath.standard(configured: ["/srv/p"], environment: ["TROBADOR_PLUGINS_DIR": "/opt/p"], executablePath: "/x")
        #expect(standard.directories.map(\.path) == ["/opt/p", "/usr/share/trobador/plugins", "/etc/trobador/plugins", "/srv/p"])
    }
}

@Suite("The shipped Python example plugin", .serialized)
struct PythonExamplePluginTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
    func it_posts_json_keeps_the_id_and_retries_a_busy_server() async throws {
        let receiver = try await LoopbackReceiver { received, index in
            index == 0 ? .init(status: 201, body: #"{"id": 17, "url": "https://partner.example.org/p/17"}"#)
                : .init(status: 503, headers: ["Retry-After": "9"], body: "maintenance")
        }
        defer { Task { await receiver.stop() } }
        let channel = ChannelConfig(name: "partner", type: "python-webhook", settings: [
            "url": .secret(Secret(receiver.url + "/api/posts", origin: "literal")), "token": .secret(Secret("tok", origin: "literal")),
        ])
        let adapter = try shippedType("python-webhook").makeAdapter(for: channel, context: ChannelContext(http: CurlHTTPClient(), spoolDirectory: "/tmp"))
        let post = Post(id: "fete", title: "Fête \"à\" Toulouse", body: hostile, tags: ["culture"])
        #expect(await adapter.deliver(message(post)) == .delivered(Receipt(remoteID: "17", url: "https://partner.example.org/p/17")))
        let sent = try #require(receiver.requests.first)
        #expect(sent.method == "POST" && sent.path == "/api/posts")
        #expect(sent.header("authorization") == "Bearer tok")
        #expect(sent.header("idempotency-key") == "msg_fete_publish_1")
        #expect(sent.json?["title"] as? String == "Fête \"à\" Toulouse")
        let edit = await adapter.deliver(message(post, action: .update, version: 2, previous: Receipt(remoteID: "17")))
        #expect(edit == .retry(after: .seconds(9), reason: "the plugin program send: HTTP 503: maintenance", httpStatus: nil))
        #expect(receiver.requests.last.map { "\($0.method) \($0.path)" } == "PUT /api/posts/17")
    }
}
