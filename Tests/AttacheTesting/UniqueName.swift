import Foundation

/// A name no other test uses (topics, groups, files): `base` and eight random hex digits,
/// so that tests running in parallel on one broker share nothing.
public func unique(_ base: String) -> String { "\(base)-\(UUID().uuidString.prefix(8))" }
