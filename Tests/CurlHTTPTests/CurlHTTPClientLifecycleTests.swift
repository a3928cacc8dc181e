@testable import CurlHTTP
import Testing

/// Cancellation and shutdown end waiting requests promptly with `.cancelled`.
@Suite struct CurlHTTPClientLifecycleTests {
    @Test func cancelling_the_task_aborts_the_transfer_quickly() async throws {
        let server = try RawSocketServer(.silent)
        defer { server.stop() }
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let request = HTTPRequest(url: "http://127.0.0.1:\(server.port)/", timeout: .seconds(60))
        let task = Task { await sendExpectingError(client, request) }
        try await waitUntil { server.acceptedConnections == 1 }
        let (error, elapsed) = await measure {
            task.cancel()
            return await task.value
        }
        #expect(error?.kind == .cancelled)
        #expect(elapsed < .seconds(5))
    }

    @Test func already_cancelled_task_fails_without_sending() async throws {
        let server = try RawSocketServer(.keepAliveOK)
        defer { server.stop() }
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await sendExpectingError(client, HTTPRequest(url: "http://127.0.0.1:\(server.port)/"))
        }
        #expect(await task.value?.kind == .cancelled)
        #expect(server.acceptedConnections == 0)
    }

    @Test func client_keeps_working_after_a_cancelled_request() async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let silent = try RawSocketServer(.silent)
        defer { silent.stop() }
        let task = Task { await sendExpectingError(client, HTTPRequest(url: "http://127.0.0.1:\(silent.port)/")) }
        try await waitUntil { silent.acceptedConnections == 1 }
        task.cancel()
        #expect(await task.value?.kind == .cancelled)
        try await withLoopbackHTTPServer { base in
            let response = try await client.send(HTTPRequest(url: "\(base)/hello"))
            #expect(response.status == 200)
        }
    }

    @Test func shutdown_fails_requests_in_flight_and_later_ones() async throws {
        let server = try RawSocketServer(.silent)
        defer { server.stop() }
        let client = CurlHTTPClient()
        let request = HTTPRequest(url: "http://127.0.0.1:\(server.port)/", timeout: .seconds(60))
        let inFlight = Task { await sendExpectingError(client, request) }
        try await waitUntil { server.acceptedConnections == 1 }
        let (error, elapsed) = await measure {
            client.shutdown()
            return await inFlight.value
        }
        #expect(error?.kind == .cancelled)
        #expect(elapsed < .seconds(5))
        let later = await sendExpectingError(client, request)
        #expect(later?.kind == .cancelled)
        client.shutdown()  // a second call does nothing
    }

    @Test func handles_kept_for_the_next_requests_are_freed_once_the_client_is_idle() async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        try await whileBusy(client) {
            try await withLoopbackHTTPServer { base in
                let response = try await client.send(HTTPRequest(url: "\(base)/hello"))
                #expect(response.status == 200)
            }
            #expect(client.keepsEasyHandles, "kept while a request is under way")
        }
        let (_, elapsed) = try await measure { try await waitUntil { !client.keepsEasyHandles } }
        #expect(elapsed >= .milliseconds(500), "kept for a while after the last request ended")
    }

    @Test func dropping_the_client_stops_its_thread() async throws {
        try await withLoopbackHTTPServer { base in
            var client: CurlHTTPClient? = CurlHTTPClient()
            let response = try await client?.send(HTTPRequest(url: "\(base)/hello"))
            #expect(response?.status == 200)
            weak let dropped = client
            client = nil
            #expect(dropped == nil)
        }
    }
}
