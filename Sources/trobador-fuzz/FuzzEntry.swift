import Foundation

/// libFuzzer's entry point: built with `-sanitize=fuzzer -DFUZZING` (see `Tests/faults/fuzz`),
/// libFuzzer calls this with every input it makes up.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    ParserCheck.current.run(bytes)
    return 0
}

#if FUZZING
/// libFuzzer's driver (`int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*)(const uint8_t *, size_t))`),
/// started from the executable's own `main`: SwiftPM names an executable's entry point itself,
/// so libFuzzer's `main` cannot stand in for it.
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

@main
struct FuzzDriver {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv, fuzzOneInput))
    }
}
#else
/// Without libFuzzer (an ordinary build), the same checks replay the files given as
/// arguments: the inputs libFuzzer kept (`crash-…`, the corpus) or any post or configuration.
@main
struct FuzzReplay {
    static func main() {
        let paths = CommandLine.arguments.dropFirst()
        guard !paths.isEmpty else {
            print("usage: TROBADOR_FUZZ_TARGET=post|post-json|config trobador-fuzz FILE...")
            exit(2)
        }
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("\(path): cannot be read")
                exit(2)
            }
            ParserCheck.current.run(Array(data))
        }
        print("\(paths.count) input(s) passed the \(ParserCheck.current.rawValue) checks")
    }
}
#endif
