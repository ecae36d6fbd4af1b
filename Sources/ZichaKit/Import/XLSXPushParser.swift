import CLibXML2
import Foundation

// Foundation's XMLParser wants the whole document (or a stream it pulls itself); libxml2's push
// parser takes the decompressed chunks ZIPFoundation hands us, so a sheet never sits in memory.

/// UTF-8 bytes libxml2 hands to a callback (an element name, an attribute value, text);
/// valid only during that callback.
struct XMLBytes {
    let base: UnsafePointer<UInt8>
    let count: Int

    /// Whether these bytes spell `literal` exactly.
    func equals(_ literal: StaticString) -> Bool {
        count == literal.utf8CodeUnitCount && memcmp(base, literal.utf8Start, count) == 0
    }

    /// A copy as a Swift string.
    var string: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }
}

/// The attributes of one start tag, looked up by local name (the prefix of `r:id` is ignored).
struct XMLAttributes {
    let pointers: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    let count: Int

    /// The value of the attribute whose local name is `name`.
    subscript(_ name: StaticString) -> XMLBytes? {
        guard let pointers else { return nil }
        for i in 0..<count {
            // libxml2 gives five pointers per attribute: localname, prefix, URI, value start, value end.
            guard let local = pointers[i * 5], let start = pointers[i * 5 + 3], let end = pointers[i * 5 + 4]
            else { continue }
            let length = strlen(UnsafeRawPointer(local).assumingMemoryBound(to: CChar.self))
            if length == name.utf8CodeUnitCount, memcmp(local, name.utf8Start, length) == 0 {
                return XMLBytes(base: start, count: end - start)
            }
        }
        return nil
    }
}

/// Receives the events of one XML document; names are local names without their prefix.
protocol XMLEventHandler: AnyObject {
    func startElement(_ name: XMLBytes, _ attributes: XMLAttributes)
    func endElement(_ name: XMLBytes)
    func characters(_ text: XMLBytes)
}

/// Why libxml2 gave up on a document.
struct XMLParseFailure: Error {
    let message: String
    let line: Int
}

private func bytes(_ pointer: UnsafePointer<xmlChar>?) -> XMLBytes {
    guard let pointer else { return XMLBytes(base: UnsafePointer(bitPattern: 1)!, count: 0) }
    return XMLBytes(base: pointer, count: strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self)))
}

private final class HandlerBox {
    let handler: XMLEventHandler
    init(_ handler: XMLEventHandler) { self.handler = handler }
}

private func box(_ context: UnsafeMutableRawPointer?) -> XMLEventHandler {
    Unmanaged<HandlerBox>.fromOpaque(context!).takeUnretainedValue().handler
}

private let libxmlReady: Void = { xmlInitParser() }()

/// A libxml2 SAX2 push parser: feed it chunks, it calls the handler as elements complete.
final class XMLPushParser {
    private let handlerBox: HandlerBox
    private let context: xmlParserCtxtPtr

    init(handler: XMLEventHandler, name: String) {
        _ = libxmlReady
        handlerBox = HandlerBox(handler)
        var sax = xmlSAXHandler()
        sax.initialized = 0xDEED_BEAF  // XML_SAX2_MAGIC: use the namespace-aware callbacks below
        sax.startElementNs = { context, localname, _, _, _, _, attributeCount, _, attributes in
            box(context).startElement(bytes(localname), XMLAttributes(pointers: attributes, count: Int(attributeCount)))
        }
        sax.endElementNs = { context, localname, _, _ in box(context).endElement(bytes(localname)) }
        sax.characters = { context, text, length in
            guard let text, length > 0 else { return }
            box(context).characters(XMLBytes(base: text, count: Int(length)))
        }
        sax.serror = { _, _ in }  // keep libxml2 quiet on stderr; the failure is read back after parsing
        let opaque = Unmanaged.passUnretained(handlerBox).toOpaque()
        context = xmlCreatePushParserCtxt(&sax, opaque, nil, 0, name)!
        // No network, no entity expansion (the default): a workbook is untrusted input. HUGE lifts
        // the 10 MB caps meant for whole-document parsing; a million-row sheet passes them.
        xmlCtxtUseOptions(context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_HUGE.rawValue))
    }

    deinit { xmlFreeParserCtxt(context) }

    /// Parses the next chunk of the document.
    func feed(_ data: Data) throws {
        let status = data.withUnsafeBytes { raw in
            xmlParseChunk(context, raw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(raw.count), 0)
        }
        try check(status)
    }

    /// Tells libxml2 the document is complete; throws if it was cut short.
    func finish() throws {
        try check(xmlParseChunk(context, nil, 0, 1))
    }

    private func check(_ status: Int32) throws {
        guard status != 0 else { return }
        guard let error = xmlCtxtGetLastError(context) else { throw XMLParseFailure(message: "malformed XML", line: 0) }
        let message = error.pointee.message.map { String(cString: $0) } ?? "malformed XML"
        throw XMLParseFailure(message: message.trimmingCharacters(in: .whitespacesAndNewlines),
                              line: Int(error.pointee.line))
    }
}
