/// What the store knows about one roster student, as the rules read it.
public struct StudentFacts: Sendable, Equatable {
    public var ksh: String
    public var name: String
    /// Normalized admission name (the first night's name unless the roster gave 录取姓名).
    public var admissionName: String
    public var idRaw: String
    public var idNorm: String
    /// Why the ID is invalid (IDNumber.Problem raw value), or nil.
    public var idProblem: String?
    public var idNeededCleaning: Bool
    public var phoneRaw: String
    public var phoneNorm: String
    public var phoneValid: Bool
    public var college: String
    public var className: String
    /// The roster row's own counselor columns (may be empty).
    public var counselor: String
    public var counselorEmail: String
    /// The counselor list's mapping for the student's class, and for their college (nil when it has none).
    public var classCounselor: Assignment?
    public var collegeCounselor: Assignment?

    public init(ksh: String, name: String, admissionName: String, idRaw: String, idNorm: String, idProblem: String? = nil,
                idNeededCleaning: Bool = false, phoneRaw: String = "", phoneNorm: String = "", phoneValid: Bool = false,
                college: String = "", className: String = "", counselor: String = "", counselorEmail: String = "",
                classCounselor: Assignment? = nil, collegeCounselor: Assignment? = nil) {
        self.ksh = ksh
        self.name = name
        self.admissionName = admissionName
        self.idRaw = idRaw
        self.idNorm = idNorm
        self.idProblem = idProblem
        self.idNeededCleaning = idNeededCleaning
        self.phoneRaw = phoneRaw
        self.phoneNorm = phoneNorm
        self.phoneValid = phoneValid
        self.college = college
        self.className = className
        self.counselor = counselor
        self.counselorEmail = counselorEmail
        self.classCounselor = classCounselor
        self.collegeCounselor = collegeCounselor
    }
}

/// One self-check event matched to a student.
public struct LoggedEvent: Sendable, Equatable {
    public var kind: EventKind
    public var reason: FailureReason?
    /// Asia/Shanghai wall-clock seconds (EventTime).
    public var time: Int64
    public var detail: String
    /// Logged under the student's 15-digit ID (FAQ 8): one attempt may be logged under both forms.
    public var legacyForm: Bool
    /// For a state: the latest time, before the night's end, a later export said it again (a row not stored, see
    /// `ImportSession.storeStagedStates`).
    public var restated: Int64? = nil
    /// A copy of a state at its `restated` time, made by the rules to order it: not evidence of its own.
    public var isRestatement = false

    public init(kind: EventKind, reason: FailureReason? = nil, time: Int64, detail: String = "", legacyForm: Bool = false) {
        self.kind = kind
        self.reason = reason
        self.time = time
        self.detail = detail
        self.legacyForm = legacyForm
    }
}

/// A classmate named in evidence.
public struct Classmate: Sendable, Equatable {
    public var ksh: String
    public var name: String

    public init(ksh: String, name: String) {
        self.ksh = ksh
        self.name = name
    }
}

/// A counselor (name and address) assigned to a student.
public struct Assignment: Sendable, Equatable {
    public var counselor: String
    public var email: String

    public init(counselor: String, email: String) {
        self.counselor = counselor
        self.email = email
    }
}

/// Facts about the whole roster that single-student rules need. (The counselor list's mappings, one per class,
/// come with each student's facts instead: at a national scale they are hundreds of thousands.)
public struct RosterContext {
    /// Normalized ID → the students carrying it, for IDs carried by 2+.
    public var sharedIDs: [String: [Classmate]]
    /// Normalized mobile → the students giving it, for mobiles given by 2+.
    public var sharedPhones: [String: [Classmate]]
    /// Finds traditional characters; nil disables TRADITIONAL_NAME (tests of other rules).
    public var traditional: TraditionalNameCheck?

    public init(sharedIDs: [String: [Classmate]] = [:], sharedPhones: [String: [Classmate]] = [:],
                traditional: TraditionalNameCheck? = nil) {
        self.sharedIDs = sharedIDs
        self.sharedPhones = sharedPhones
        self.traditional = traditional
    }
}

/// The rules' answer for one student.
public struct Verdict: Sendable, Equatable {
    public var state: CheckState
    public var findings: [FindingLine]
    public var assignment: Assignment
}
