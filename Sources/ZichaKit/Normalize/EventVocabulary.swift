/// Maps a log's 事件 cell to a canonical event: the SPEC's aliases plus a school's own from configuration.
public struct EventVocabulary: Sendable {
    private var labels: [String: EventKind] = [:]

    /// The SPEC's aliases, extended by `extra` (canonical name → more labels). Unknown canonical names are errors, and
    /// so is a label given to two events (one of the SPEC's, or two of `extra`): it would silently flip states.
    public init(extra: [String: [String]] = [:]) throws {
        for kind in EventKind.allCases { for label in kind.defaultLabels { labels[Text.headerKey(label)] = kind } }
        for (name, more) in extra.sorted(by: { $0.key < $1.key }) {
            guard let kind = EventKind(rawValue: name) else {
                throw ZichaError(.config, "the configuration names an unknown event \"\(name)\"",
                                 hint: "events are \(EventKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            for label in more {
                let key = Text.headerKey(label)
                if let other = labels[key], other != kind {
                    throw ZichaError(.config, "the configuration gives the event label \"\(label)\" to \(kind.rawValue), but it already means \(other.rawValue)",
                                     hint: "the configuration can add labels, not move one to another event")
                }
                labels[key] = kind
            }
        }
    }

    /// The event a label stands for, or nil when unknown.
    public func kind(of label: String) -> EventKind? { labels[Text.headerKey(label)] }
}
