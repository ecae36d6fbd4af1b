// Fuzz target: encoding detection and the UTF-16 / GB18030 transcoders of Import/ByteSource.swift.
//
// Invariants: detection agrees with the BOM and calls every valid UTF-8 text without NUL bytes UTF-8 (NUL bytes are
// UTF-16's without its mark); every transcoder
// emits valid UTF-8 whatever it is fed; output does not depend on where chunks are cut; GB18030 keeps
// every line break; text encoded to UTF-16 or GB18030 and decoded again is unchanged.
#if canImport(Glibc)
import Glibc
#endif

private func transcode(_ make: () -> UTF8Transcoder, _ chunks: [ArraySlice<UInt8>]) -> [UInt8] {
    var t = make()
    var out: [UInt8] = []
    for c in chunks { t.transcode(c, final: false, into: &out) }
    t.transcode([], final: true, into: &out)
    return out
}

/// Encodes UTF-8 text as GB18030 with iconv (every Unicode scalar has a GB18030 form).
private func gb18030(_ utf8: [UInt8]) -> [UInt8]? {
    let cd = iconv_open("GB18030", "UTF-8")
    guard Int(bitPattern: cd) != -1 else { return nil }
    defer { iconv_close(cd) }
    var input = utf8
    var out = [UInt8](repeating: 0, count: utf8.count * 4 + 16)
    var produced = 0
    let ok = input.withUnsafeMutableBufferPointer { inBuf -> Bool in
        out.withUnsafeMutableBufferPointer { outBuf -> Bool in
            var inLeft = inBuf.count, outLeft = outBuf.count
            var inPtr: UnsafeMutablePointer<CChar>? = inBuf.baseAddress.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: CChar.self) }
            var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
            let r = inLeft == 0 ? 0 : iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
            produced = outBuf.count - outLeft
            return r != -1
        }
    }
    return ok ? Array(out[0..<produced]) : nil
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEncoding(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let sizes = [Int(input.byte() % 7) + 1, Int(input.byte()) + 1, Int(input.byte() % 3) + 1]
    let bytes = input.rest

    // Detection.
    let (enc, bom) = EncodingDetector.detect(bytes)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { invariant(enc == .utf8 && bom == 3, "UTF-8 BOM not recognised") }
    else if bytes.starts(with: [0xFF, 0xFE]) { invariant(enc == .utf16le && bom == 2, "UTF-16LE BOM not recognised") }
    else if bytes.starts(with: [0xFE, 0xFF]) { invariant(enc == .utf16be && bom == 2, "UTF-16BE BOM not recognised") }
    else {
        invariant(bom == 0, "a BOM length without a BOM")
        // (NUL bytes are UTF-16 without its mark's: a table's text has none.)
        if !bytes.contains(0), String(validating: Array(bytes), as: UTF8.self) != nil { invariant(enc == .utf8, "valid UTF-8 detected as \(enc)") }
        _ = EncodingDetector.mayBeGBK(bytes)
    }
    _ = EncodingDetector.looksBinary(bytes)

    // Each transcoder: valid UTF-8 out, independent of chunking.
    func le() -> UTF8Transcoder { UTF16Transcoder(bigEndian: false) }
    func be() -> UTF8Transcoder { UTF16Transcoder(bigEndian: true) }
    func gb() -> UTF8Transcoder { try! GB18030Transcoder() }
    let makers: [(String, () -> UTF8Transcoder)] = [("utf16le", le), ("utf16be", be), ("gb18030", gb)]
    for (name, make) in makers {
        let whole = transcode(make, [bytes])
        invariant(String(validating: whole, as: UTF8.self) != nil, "\(name) produced invalid UTF-8")
        let pieces = transcode(make, chunked(bytes, sizes: sizes))
        invariant(pieces == whole, "\(name) output depends on chunk boundaries (sizes \(sizes))")
        if name == "gb18030" {
            // 0x0A never occurs inside a GB18030 multi-byte sequence, so every line break must survive.
            invariant(whole.filter { $0 == 0x0A }.count == bytes.filter { $0 == 0x0A }.count, "gb18030 lost or invented a line break")
        }
    }

    // Round trips of valid text.
    let text = Array(String(decoding: bytes, as: UTF8.self).utf8)
    var leBytes: [UInt8] = [], beBytes: [UInt8] = []
    for unit in String(decoding: text, as: UTF8.self).utf16 {
        leBytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        beBytes += [UInt8(unit >> 8), UInt8(unit & 0xFF)]
    }
    invariant(transcode(le, chunked(leBytes[...], sizes: sizes)) == text, "UTF-16LE round trip changed the text")
    invariant(transcode(be, chunked(beBytes[...], sizes: sizes)) == text, "UTF-16BE round trip changed the text")
    if let gbBytes = gb18030(text) {
        let back = transcode(gb, chunked(gbBytes[...], sizes: sizes))
        invariant(back == text, "GB18030 round trip changed the text")
    }
    return 0
}
