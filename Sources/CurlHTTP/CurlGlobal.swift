import CCurlShim

/// libcurl's process-wide initialisation, done once before the first handle is made.
///
/// `curl_global_init` must not race with other libcurl calls, so it hangs on a
/// `static let`, which Swift initialises exactly once, thread-safely. It is never undone:
/// `curl_global_cleanup` at exit would gain nothing for a daemon and could race with
/// handles still closing.
enum CurlGlobal {
    private static let initResult: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    /// Runs `curl_global_init` on first use; crashes if libcurl cannot start (no memory,
    /// broken TLS library), since no request could ever be sent.
    static func ensureInitialized() {
        let result = initResult
        precondition(result == CURLE_OK, "curl_global_init failed: \(String(cString: curl_easy_strerror(result)))")
    }
}
