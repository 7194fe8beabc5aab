import AttacheModels
import AttacheTesting
import Foundation
import Notifier
import Testing

/// Standard Webhooks signatures: HMAC-SHA256 vectors, the specification's example, secret
/// rotation, and verification by the reference Python library `standardwebhooks`.
@Suite("Standard Webhooks signatures")
struct SignatureTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test("HMAC-SHA256: RFC 4231 test cases 1, 2 and 6 (a key longer than the block)")
    func hmacVectors() {
        #expect(
            SignatureTests.hex(
                HMACSHA256.authenticationCode(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8))
            )
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(
            SignatureTests.hex(
                HMACSHA256.authenticationCode(
                    key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(
            SignatureTests.hex(
                HMACSHA256.authenticationCode(
                    key: [UInt8](repeating: 0xaa, count: 131),
                    message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test("the Standard Webhooks specification's example signature")
    func specificationExample() throws {
        let secret = try WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let signature = WebhookSignature(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330,
            body: Array(#"{"test": 2432232314}"#.utf8), secrets: [secret])
        #expect(signature.signatures == ["v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="])
        #expect(
            WebhookSignature.verify(
                header: "v1,wrong v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
                timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8), secrets: [secret]))
        #expect(
            !WebhookSignature.verify(
                header: signature.signatures[0], id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
                timestamp: 1_614_265_331, body: Array(#"{"test": 2432232314}"#.utf8), secrets: [secret]))
        #expect(secret.description == "whsec_[redacted]")
        #expect(throws: WebhookSecretError.self) { try WebhookSecret("whsec_***") }
        #expect(throws: WebhookSecretError.self) { try WebhookSecret("") }
    }

    @Test(
        "webhook request: webhook-id is the notification id, timestamp in seconds, one signature per secret during a rotation"
    )
    func requestHeaders() throws {
        let old = try WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let new = WebhookSecret(key: Array("a new signing key of 32 bytes!!!".utf8))
        let settings = WebhookSettings(
            url: URL(string: "https://hooks.example.org/attache")!, secrets: [old, new], format: .attache,
            headers: ["X-Team": "trade"])
        let sink = WebhookSink(
            settings: settings, name: "trade-desk", clock: { Date(timeIntervalSince1970: 1_700_000_000.9) })
        let request = try sink.request(for: SinkTests.sample)
        let body = Array(request.httpBody ?? Data())
        #expect(request.value(forHTTPHeaderField: "webhook-id") == SinkTests.sample.id)
        #expect(request.value(forHTTPHeaderField: "webhook-timestamp") == "1700000000")
        #expect(request.value(forHTTPHeaderField: "X-Team") == "trade")
        let header = try #require(request.value(forHTTPHeaderField: "webhook-signature"))
        let parts = header.split(separator: " ")
        #expect(parts.count == 2 && parts.allSatisfy { $0.hasPrefix("v1,") })
        for secret in [old, new] {
            #expect(
                WebhookSignature.verify(
                    header: header, id: SinkTests.sample.id, timestamp: 1_700_000_000, body: body, secrets: [secret]))
        }
        #expect(try AttacheJSON.decode(Notification.self, from: body) == SinkTests.sample)
        // Slack format: {"text": ...}, signed the same way.
        let slack = WebhookSink(
            settings: WebhookSettings(url: settings.url, secrets: [old], format: .slack), name: "chat")
        let slackBody =
            try JSONSerialization.jsonObject(with: try slack.request(for: SinkTests.sample).httpBody ?? Data())
            as? [String: String]
        #expect(slackBody?.keys.sorted() == ["text"])
        #expect(slackBody?["text"]?.contains(SinkTests.sample.title) == true)
    }

    @Test("deliveries verify with the reference Python library standardwebhooks (and a tampered one does not)")
    func verifiedByReferenceLibrary() async throws {
        guard let python = PythonStandardWebhooks.python() else {
            try Test.cancel(
                "skipped: Python 3 with the standardwebhooks package is not available (\(PythonStandardWebhooks.problem))"
            )
        }
        let old = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let new = WebhookSecret(key: (0..<32).map { UInt8($0 * 7 & 0xff) }).text
        let receiver = try await WebhookReceiver()
        let secrets = try WebhookSecret.list("\(old) \(new)")
        let sink = WebhookSink(settings: WebhookSettings(url: receiver.url, secrets: secrets), name: "signed")
        try await sink.deliver(SinkTests.sample)
        try await sink.deliver(SinkTests.other)
        let slack = WebhookSink(
            settings: WebhookSettings(url: receiver.url, secrets: secrets, format: .slack), name: "slack")
        try await slack.deliver(SinkTests.sample)
        await receiver.stop()
        let requests = receiver.requests
        #expect(requests.count == 3)
        var cases: [[String: Any]] = []
        for request in requests {
            for secret in [old, new] {
                cases.append([
                    "secret": secret, "headers": request.headers, "body": request.body.base64EncodedString(),
                    "expect": true,
                ])
            }
            var tampered = request.body
            tampered.append(contentsOf: Array(" ".utf8))
            cases.append([
                "secret": old, "headers": request.headers, "body": tampered.base64EncodedString(), "expect": false,
            ])
            cases.append([
                "secret": WebhookSecret(key: Array("another key".utf8)).text, "headers": request.headers,
                "body": request.body.base64EncodedString(), "expect": false,
            ])
        }
        let input = try JSONSerialization.data(withJSONObject: cases)
        let (status, output) = try PythonStandardWebhooks.run(
            python, script: PythonStandardWebhooks.verifier, input: input)
        #expect(status == 0, "the Python verifier said: \(output)")
        #expect(output.contains("verified \(requests.count * 2), rejected \(requests.count * 2)"), "\(output)")
    }
}

/// The reference implementation of Standard Webhooks, from PyPI, in a virtual environment
/// under `.build/` (made on first use; `scripts/standardwebhooks-venv.sh` makes it in CI).
enum PythonStandardWebhooks {
    static let venv: String = {
        if let path = ProcessInfo.processInfo.environment["ATTACHE_STANDARDWEBHOOKS_VENV"], !path.isEmpty {
            return path
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/standardwebhooks-venv").path
    }()

    nonisolated(unsafe) static var problem = "not looked for"
    private static let lock = NSLock()

    /// The venv's python with `standardwebhooks` importable, making the venv when missing;
    /// nil when Python, venv or pip is not available.
    static func python() -> String? {
        lock.withLock {
            let python = venv + "/bin/python"
            if (try? run(python, arguments: ["-c", "import standardwebhooks"]).status) == 0 { return python }
            guard (try? run("/usr/bin/env", arguments: ["python3", "-m", "venv", venv]).status) == 0 else {
                problem = "python3 -m venv \(venv) failed"
                return nil
            }
            guard (try? run(venv + "/bin/pip", arguments: ["install", "-q", "standardwebhooks"]).status) == 0 else {
                problem = "pip install standardwebhooks failed (no network or no PyPI?)"
                return nil
            }
            if (try? run(python, arguments: ["-c", "import standardwebhooks"]).status) == 0 { return python }
            problem = "standardwebhooks does not import"
            return nil
        }
    }

    /// Reads `[{secret, headers, body (base64), expect}]` on stdin, verifies each with
    /// standardwebhooks.Webhook, prints the counts; exits 1 when one result is unexpected.
    static let verifier = #"""
        import base64, json, sys
        from standardwebhooks.webhooks import Webhook
        cases = json.load(sys.stdin)
        verified = rejected = 0
        wrong = []
        for i, case in enumerate(cases):
            body = base64.b64decode(case["body"])
            try:
                Webhook(case["secret"]).verify(body, case["headers"])
                ok = True
                verified += 1
            except Exception as error:
                ok = False
                rejected += 1
                reason = str(error)
            if ok != case["expect"]:
                wrong.append((i, ok, None if ok else reason))
        print(f"verified {verified}, rejected {rejected}, unexpected {wrong}")
        sys.exit(1 if wrong else 0)
        """#

    static func run(_ python: String, script: String, input: Data) throws -> (status: Int32, output: String) {
        try run(python, arguments: ["-c", script], input: input)
    }

    @discardableResult
    static func run(_ executable: String, arguments: [String], input: Data? = nil) throws -> (
        status: Int32, output: String
    ) {
        try runProcess(executable, arguments: arguments, input: input)
    }
}
