public func zichaVersion() -> String { "0.1.0" }
