import CCurlShim

extension HTTPError.Kind {
    /// How a failed libcurl transfer is reported, in the terms the delivery engine decides on:
    /// a connection or timeout problem is worth a retry, a malformed request is not.
    init(curlCode code: CURLcode) {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            self = .connectionFailed
        case CURLE_OPERATION_TIMEDOUT:
            self = .timedOut
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            self = .tls
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT:
            self = .invalidRequest
        case CURLE_FILESIZE_EXCEEDED:
            // MAXFILESIZE refused an announced Content-Length before any byte was read.
            self = .responseTooLarge
        default:
            // RECV_ERROR, SEND_ERROR, GOT_NOTHING, PARTIAL_FILE, WEIRD_SERVER_REPLY, HTTP2, ...
            self = .transport
        }
    }
}
