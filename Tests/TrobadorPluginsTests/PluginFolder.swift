import Foundation
import TrobadorTestSupport
@testable import TrobadorPlugins

/// A plugin directory in a temporary folder, written file by file as a plugin author would.
struct PluginFolder {
    let root: TemporaryDirectory

    init() throws { root = try TemporaryDirectory("plugins") }

    var path: String { root.path }

    /// Writes `files` (name → contents) into `plugins/NAME/`, and a README unless given.
    @discardableResult
    func plugin(_ name: String, _ files: [String: String], executable: [String] = []) throws -> String {
        for (file, text) in files { try root.write(name + "/" + file, text) }
        if files["README.md"] == nil { try root.write(name + "/README.md", "# \(name)\n") }
        for file in executable { chmod(root.file(name + "/" + file), 0o755) }
        return root.file(name)
    }

    func read(_ name: String) -> Result<(PluginManifest, warnings: [TrobadorCore.ConfigurationProblem]), PluginProblems> {
        PluginManifestReader(directory: root.file(name)).read()
    }

    func remove() { root.remove() }
}

import TrobadorCore
