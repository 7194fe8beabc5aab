import AttacheRuntime
import Testing

@Suite("TraceContext")
struct TraceContextTests {
    let parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

    /// A well-formed child: version 00, 32 + 16 lowercase hex digits, sampled.
    func isWellFormed(_ header: String) -> Bool {
        let parts = header.split(separator: "-", omittingEmptySubsequences: false)
        return header.utf8.count == 55 && parts.count == 4 && parts[0] == "00" && parts[3] == "01"
            && parts[1].count == 32 && parts[2].count == 16
            && parts[1].allSatisfy { "0123456789abcdef".contains($0) }
            && parts[2].allSatisfy { "0123456789abcdef".contains($0) }
    }

    @Test("a child keeps the parent's trace id and gets a new span id")
    func continuesTheTrace() {
        let first = TraceContext.child(of: parent)
        let second = TraceContext.child(of: parent)
        #expect(isWellFormed(first))
        #expect(TraceContext.traceID(of: first) == "0af7651916cd43dd8448eb211c80319c")
        #expect(first.split(separator: "-")[2] != "b7ad6b7169203331")
        #expect(first != second)
    }

    @Test(
        "a missing or malformed parent starts a new trace",
        arguments: [
            nil,
            "",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331",  // no flags
            "00-0af7651916cd43dd8448eb211c80319g-b7ad6b7169203331-01",  // not hex
            "00-00000000000000000000000000000000-b7ad6b7169203331-01",  // all-zero trace id
            "00_0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",  // wrong separator
            "-00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",  // too long
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01é",
        ])
    func startsANewTrace(parent: String?) {
        let child = TraceContext.child(of: parent)
        #expect(isWellFormed(child))
        #expect(TraceContext.traceID(of: child) != "0af7651916cd43dd8448eb211c80319c")
        if let parent { #expect(TraceContext.traceID(of: parent) == nil) }
    }

    @Test("span ids do not repeat, across concurrent callers too")
    func spanIDsAreUnique() async {
        let ids = await withTaskGroup(of: [Substring].self) { group in
            for _ in 0..<4 {
                group.addTask { (0..<5_000).map { _ in TraceContext.child(of: parent).split(separator: "-")[2] } }
            }
            var all: [Substring] = []
            for await part in group { all += part }
            return all
        }
        #expect(ids.count == 20_000)
        #expect(Set(ids).count == ids.count)
        #expect(!ids.contains("0000000000000000"))
    }

    @Test("upper-case hex in a parent is read")
    func upperCaseHex() {
        #expect(TraceContext.traceID(of: parent.uppercased()) == "0AF7651916CD43DD8448EB211C80319C")
    }
}
