import Foundation
// Temporary stand-ins until the report and mail stages land; deleted at merge.
public struct CounselorList: Sendable { public var counselor: String; public var email: String; public var colleges: [String]; public var rows: [FollowupRow] }
public struct MailOutcome: Sendable { public var sent = 0 }
public final class CounselorMailer {
    public init(settings: MailSettings?, environment: [String: String], database: AppDatabase, catalog: RemedyCatalog, asOf: String, deadline: String?, outbox: URL) {}
    public func run(lists: [CounselorList], diagnostics: DiagnosticSink) throws -> MailOutcome { MailOutcome() }
}
