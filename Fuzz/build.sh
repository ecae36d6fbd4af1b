#!/bin/sh
# Builds the libFuzzer targets into .build/fuzz/ (or $FUZZ_OUT): `Fuzz/build.sh [TARGET...]`.
#
# Each target compiles the few ZichaKit source files it exercises straight into one module with
# swiftc -sanitize=fuzzer,address, so internal types (RecordParser, the transcoders, HTML) are
# reachable without making them public. The XLSX target links ZIPFoundation, built here from the
# package checkout as a static library with the same instrumentation.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${FUZZ_OUT:-$ROOT/.build/fuzz}
K=$ROOT/Sources/ZichaKit
FLAGS="-sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6 -module-name ZichaFuzz"
SUPPORT="$ROOT/Fuzz/Support/FuzzSupport.swift"
mkdir -p "$OUT"

if ! ls /opt/swift/usr/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 \
   && ! ls "$(dirname "$(command -v swiftc)")"/../lib/clang/*/lib/linux/libclang_rt.fuzzer*.a >/dev/null 2>&1; then
    echo "Fuzz/build.sh: clang's libFuzzer runtime (libclang_rt.fuzzer) is not in this toolchain; skipping" >&2
    exit 77
fi

DIAG="$K/Diagnostics/Diagnostic.swift $K/Import/TableReader.swift"

build() {  # name, then sources and flags
    name=$1; shift
    echo "building fuzz-$name"
    # shellcheck disable=SC2086
    # ld.gold warns about every ASan helper symbol it cannot export: keep the log, show real problems only.
    if ! swiftc $FLAGS $SUPPORT "$ROOT/Fuzz/Targets/$name.swift" "$@" -o "$OUT/fuzz-$name" 2>"$OUT/fuzz-$name.log"; then
        grep -v "ld.gold: warning: Cannot export local symbol" "$OUT/fuzz-$name.log" >&2
        exit 1
    fi
}

zipfoundation() {
    zf=$ROOT/.build/checkouts/ZIPFoundation/Sources/ZIPFoundation
    if [ ! -d "$zf" ]; then (cd "$ROOT" && swift package resolve >/dev/null); fi
    mkdir -p "$OUT/zf"
    if [ ! -f "$OUT/zf/libZIPFoundation.a" ]; then
        echo "building ZIPFoundation (instrumented)"
        (cd "$OUT/zf" && swiftc -sanitize=fuzzer,address -parse-as-library -O -g -swift-version 5 \
            -module-name ZIPFoundation -emit-module -emit-library -static -Xcc -D_GNU_SOURCE=1 -I "$zf/../CZLib" "$zf"/*.swift -o libZIPFoundation.a)
    fi
}

targets=${*:-"encoding csv normalize escape xlsx mime compose"}
for t in $targets; do
    case $t in
    encoding) build encoding $DIAG "$K/Import/EncodingDetector.swift" "$K/Import/ByteSource.swift" ;;
    csv) build csv $DIAG "$K/Import/EncodingDetector.swift" "$K/Import/ByteSource.swift" "$K/Import/RecordParser.swift" "$K/Normalize/Text.swift" \
            "$K/Import/DelimitedTextReader.swift" "$K/Support/ByteBuffer.swift" "$K/Support/ByteScan.swift" ;;
    normalize) build normalize "$K/Diagnostics/Diagnostic.swift" "$K/Normalize/IDNumber.swift" "$K/Normalize/PhoneNumber.swift" \
            "$K/Normalize/PersonName.swift" "$K/Normalize/Masking.swift" "$K/Normalize/EventTime.swift" "$K/Normalize/Text.swift" \
            "$K/Normalize/OpenCCConverter.swift" "$ROOT/Fuzz/Support/PackageResources.swift" -I "$ROOT/Sources/COpenCC" -lopencc ;;
    escape) build escape $DIAG "$K/Report/CSVText.swift" "$K/Report/HTML.swift" "$K/Report/HTMLAssets.swift" \
            "$K/Report/ReportFormat.swift" "$K/Report/JSONText.swift" "$K/Report/CounselorFileNames.swift" "$K/Import/RecordParser.swift" \
            "$K/Normalize/EventTime.swift" "$K/Normalize/IDNumber.swift" "$K/Normalize/Text.swift" \
            "$K/Support/ByteBuffer.swift" "$K/Support/ByteScan.swift" ;;
    xlsx) zipfoundation
        build xlsx $DIAG "$K"/Import/XLSX*.swift "$K/Import/WorkbookSniffer.swift" "$K/Normalize/EventTime.swift" "$K/Normalize/IDNumber.swift" "$K/Normalize/Text.swift" "$K/Support/PathText.swift" \
            -I "$OUT/zf" -I "$ROOT/.build/checkouts/ZIPFoundation/Sources/CZLib" -L "$OUT/zf" -lZIPFoundation -lz \
            -I "$ROOT/Sources/CLibXML2" -Xcc -I/usr/include/libxml2 -lxml2 ;;
    mime) build mime $DIAG "$K/Mail/MIMEEncoding.swift" "$K/Mail/MailAddress.swift" "$K/Normalize/Text.swift" ;;
    compose)
        # CounselorListChanges lives beside the GRDB queries that fill it: the struct alone is cut out of its file.
        sed -n '/^public struct CounselorListChanges/,/^}/p' "$K/Store/AppDatabase+ListChanges.swift" >"$OUT/CounselorListChanges.swift"
        # The rules and the name check come along only for the names FindingLine and FollowupRow mention.
        build compose $DIAG "$OUT/CounselorListChanges.swift" "$ROOT/Fuzz/Support/PackageResources.swift" \
            "$K"/Mail/MessageComposer.swift "$K"/Mail/CounselorMailBody.swift "$K"/Mail/MIMEEncoding.swift "$K"/Mail/MailAddress.swift \
            "$K"/Mail/MessageDate.swift "$K"/Mail/SHA256.swift "$K"/Mail/CounselorList.swift \
            "$K"/Model/RemedyCatalog.swift "$K"/Model/Followup.swift "$K"/Model/FindingCode.swift "$K"/Model/Configuration.swift "$K"/Model/EventKind.swift \
            "$K"/Reconcile/Rules.swift "$K"/Reconcile/StudentFacts.swift \
            "$K"/Normalize/IDNumber.swift "$K"/Normalize/PersonName.swift "$K"/Normalize/OpenCCConverter.swift "$K"/Normalize/Text.swift \
            "$K"/Normalize/EventTime.swift "$K"/Normalize/Masking.swift \
            "$K"/Report/FollowupTable.swift "$K"/Report/FollowupWorkbook.swift "$K"/Report/XLSXWriter.swift "$K"/Report/XLSXWriter+Parts.swift \
            "$K"/Report/ZipStreamWriter.swift "$K"/Report/CSVText.swift "$K"/Report/HTML.swift "$K"/Report/HTMLAssets.swift "$K"/Report/ReportFile.swift \
            "$K"/Report/ReportFormat.swift "$K"/Report/WrittenPages.swift \
            "$K"/Import/XLSXCellReference.swift "$K"/Import/XLSXPushParser.swift "$K"/Import/RecordParser.swift \
            "$K"/Support/ByteBuffer.swift "$K"/Support/ByteScan.swift \
            -I "$ROOT/Sources/CCrypto" -lcrypto -I "$ROOT/Sources/CISAL" -lisal -I "$ROOT/Sources/COpenCC" -lopencc \
            -I "$ROOT/Sources/CLibXML2" -Xcc -I/usr/include/libxml2 -lxml2 ;;
    *) echo "unknown fuzz target: $t" >&2; exit 2 ;;
    esac
done
