// Fuzz target: ID number, phone, name, time and header normalization, masking, and OpenCC's
// traditional → simplified check of names.
//
// Invariants: a valid ID normalizes to 18 characters that validate again unchanged and survive the
// 15-digit round trip; masking never leaves a full ID (any 18-character window that validates) nor a
// bare 11-digit mobile in its output; a mobile normalizes to 11 digits; names and header keys are
// idempotent; a parsed time prints and parses back to itself; a simplified name has no traditional
// characters left.
import Foundation

private let today = 20261128
nonisolated(unsafe) private var names: TraditionalNameCheck? = {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/ZichaKit/Resources/name_exceptions.json").path
    struct File: Decodable { struct Entry: Decodable { var char: String }; var characters: [Entry] }
    let exceptions = (try? JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: path))))
        .map { Set($0.characters.flatMap { $0.char.unicodeScalars }) } ?? []
    return (try? OpenCCConverter()).map { TraditionalNameCheck(converter: $0, exceptions: exceptions) }
}()

/// Whether any 18-character window of `text` is a valid ID number.
private func containsValidID(_ text: String) -> String? {
    let scalars = Array(text.unicodeScalars)
    guard scalars.count >= 18 else { return nil }
    for i in 0...(scalars.count - 18) {
        let window = String(String.UnicodeScalarView(scalars[i..<(i + 18)]))
        if window.unicodeScalars.allSatisfy({ ($0 >= "0" && $0 <= "9") || $0 == "X" }), IDNumber(window, today: today).isValid { return window }
    }
    return nil
}

/// A valid ID number built from fuzz bytes (province 11–65, born 1950–2009).
private func makeID(_ input: inout FuzzInput) -> String {
    let provinces = [11, 31, 42, 44, 65]
    var digits = String(provinces[Int(input.byte()) % provinces.count])
    for _ in 0..<4 { digits += String(input.byte() % 10) }
    digits += String(1950 + Int(input.byte()) % 60)
    digits += String(format: "%02d%02d", 1 + Int(input.byte()) % 12, 1 + Int(input.byte()) % 28)
    for _ in 0..<3 { digits += String(input.byte() % 10) }
    let check = Array(digits.utf8).withUnsafeBufferPointer { IDNumber.checkCharacter($0) }
    return digits + String(UnicodeScalar(check))
}

private func checkID(_ text: String) {
    let id = IDNumber(text, today: today)
    guard id.isValid else { return }
    let n = id.normalized
    invariant(n.utf8.count == 18, "valid ID normalized to \(n.utf8.count) characters")
    let again = IDNumber(n, today: today)
    invariant(again.isValid && again.normalized == n && !again.neededCleaning && !again.wasFifteen, "normalized ID does not re-validate unchanged")
    if let fifteen = IDNumber.fifteenForm(of: n), let century = Int(n.dropFirst(6).prefix(2)), century == 19 || century == 20 {
        invariant(IDNumber.upgrade(fifteen, century: century) == n, "15-digit round trip changed the ID")
    }
    let masked = Masking.id(n)
    invariant(masked.count == 18 && masked.hasPrefix(String(n.prefix(6))) && masked.hasSuffix(String(n.suffix(4))), "masked ID shape")
    invariant(containsValidID(masked) == nil && !hasDigitRun(masked, length: 18, allowX: true), "masked ID still holds the ID")
}

/// Whether `text` holds 17 digits and then an X or x that are not part of a longer digit run: an ID the masker hides.
private func hasIDEndingInX(_ text: String) -> Bool {
    var run = 0
    for u in text.unicodeScalars {
        if (u >= "0" && u <= "9") || ("\u{FF10}"..."\u{FF19}").contains(u) { run += 1; continue }
        if (u == "X" || u == "x") && run == 17 { return true }
        run = 0
    }
    return false
}

private func checkMasking(_ text: String) {
    let masked = Masking.text(text)
    if let leaked = containsValidID(masked) { invariant(false, "Masking.text left a valid ID (\(Masking.id(leaked))) in its output") }
    invariant(!hasDigitRun(masked, length: 18, allowX: false), "Masking.text left an 18-digit run")
    invariant(!hasIDEndingInX(masked), "Masking.text left 17 digits and an X")
    // A bare 11-digit run starting with 1 is what the masker treats as a mobile number (full-width digits are digits
    // of the run too; an X is part of a run only as an ID's 18th character). By scalar, as the masker scans: a combining mark on the 12th digit does not end the run.
    var run = "", leaked = false
    for u in (masked + " ").unicodeScalars {
        if (u >= "0" && u <= "9") || ("\u{FF10}"..."\u{FF19}").contains(u) { run.unicodeScalars.append(u) } else {
            if run.unicodeScalars.count == 11, run.first == "1" { leaked = true }
            run = ""
        }
    }
    invariant(!leaked, "Masking.text left an 11-digit mobile number")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNormalize(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let mode = input.byte()
    let text = String(decoding: input.rest, as: UTF8.self)

    checkID(text)
    checkMasking(text)
    if mode & 1 == 1 {
        // A real ID glued into fuzz text: the masker must still hide it.
        var idInput = input
        let id = makeID(&idInput)
        invariant(IDNumber(id, today: today).isValid, "built ID \(Masking.id(id)) is invalid")
        let cut = text.unicodeScalars.count / 2
        let scalars = Array(text.unicodeScalars)
        let glued = String(String.UnicodeScalarView(scalars[..<cut])) + id + String(String.UnicodeScalarView(scalars[cut...]))
        checkMasking(glued)
        checkID(id)
    }

    let phone = PhoneNumber(text)
    if phone.isMobile {
        invariant(phone.normalized.utf8.count == 11 && phone.normalized.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }, "mobile not 11 digits")
        invariant(PhoneNumber(phone.normalized).normalized == phone.normalized, "mobile normalization not idempotent")
        let masked = Masking.phone(phone.normalized)
        invariant(masked.count == 11 && !hasDigitRun(masked, length: 11, allowX: false), "masked phone holds the number")
    }

    let name = PersonName(text)
    invariant(PersonName(name.normalized).normalized == name.normalized, "name normalization not idempotent")
    invariant(!name.normalized.unicodeScalars.contains { PersonName.dots.contains($0.value) }, "a middle dot variant survived")
    invariant(Text.trimmed(name.normalized) == name.normalized, "normalized name not trimmed")
    let key = Text.headerKey(text)
    invariant(Text.headerKey(key) == key, "header key not idempotent")

    if let t = EventTime.parse(text) {
        let printed = EventTime.format(t)
        if let year = Int(printed.prefix(4)), printed.utf8.count == 19, (1000...9998).contains(year) {
            invariant(EventTime.parse(printed) == t, "time \(printed) does not parse back")
        } else {
            invariant(t < 0 || t > 250_000_000_000, "time inside years 1000–9998 printed as \(printed)")
        }
    }

    if mode & 2 == 2, let names, text.unicodeScalars.count <= 64 {
        if let simple = names.simplified(text) {
            invariant(simple != text, "simplified form equals the name")
            invariant(names.simplified(simple) == nil, "the simplified form still holds traditional characters")
        }
    }
    return 0
}
