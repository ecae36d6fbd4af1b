import Foundation

/// Writes a made-up night of any size — roster and self-check log as UTF-8 CSV — for large-input tests.
/// Written here rather than with ../shared/bench/gen.py so that the tests depend on nothing outside the package.
public enum SyntheticNight {
    /// Writes `roster.csv` (students `first..<first+count`) and `log.csv` (their events, dated `eventDay`) to
    /// `folder`, returning both paths. Student `i` is the same person in every file written with any range.
    public static func write(students range: Range<Int>, eventDay: String, to folder: String) throws -> (roster: String, log: String) {
        let roster = folder + "/roster.csv", log = folder + "/log.csv"
        let rosterOut = try Writer(path: roster), logOut = try Writer(path: log)
        try rosterOut.append("考生号,学号,姓名,身份证号,手机号,学院,班级\r\n")
        try logOut.append("时间,身份证号,姓名,事件,备注\r\n")
        let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"), given = Array("明静伟芳娜敏强磊洋艳勇军杰涛超")
        for i in range {
            let id = idNumber(i)
            let name = "\(surnames[i % surnames.count])\(given[(i / 7) % given.count])\(given[(i / 3) % given.count])"
            try rosterOut.append("26\(pad(i, 12)),\(pad(i, 10)),\(name),\(id),139\(pad(i, 8)),学院\(i % 12),班\(i % 400)\r\n")
            if i % 11 == 0 { try logOut.append("\(eventDay) 09:00:00,\(id),\(name),注册失败,手机号码已存在\r\n") }
            if i % 13 == 5 { continue }  // never registered
            try logOut.append("\(eventDay) 10:00:00,\(id),\(name),注册成功,\r\n")
            if i % 3 != 0 { try logOut.append("\(eventDay) 10:05:00,\(id),\(name),查看学籍,\r\n") }
            if i % 3 == 1 { try logOut.append("\(eventDay) 10:06:00,\(id),\(name),自查完成,\r\n") }
        }
        try rosterOut.close()
        try logOut.close()
        return (roster, log)
    }

    /// A valid 18-digit ID, unique for each `i` below 365,000 per region code: region, 2006 birthdate, sequence.
    public static func idNumber(_ i: Int) -> String {
        let k = i / 1000
        let body = "\(420102 + k / 365)\(days2006[k % 365])\(pad(i % 1000, 3))"
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return body + String(Array("10X98765432")[sum % 11])
    }

    private static let days2006: [String] = {
        let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return lengths.enumerated().flatMap { m, n in (1...n).map { "2006\(pad(m + 1, 2))\(pad($0, 2))" } }
    }()

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// Buffered appends, so a large file is not one huge string in memory.
    private final class Writer {
        let handle: FileHandle
        var buffer = Data()

        init(path: String) throws {
            handle = try FileHandle.emptyFile(atPath: path)
        }

        func append(_ s: String) throws {
            buffer.append(contentsOf: s.utf8)
            if buffer.count > 1 << 20 { try flush() }
        }

        func flush() throws {
            try handle.write(contentsOf: buffer)
            buffer.removeAll(keepingCapacity: true)
        }

        func close() throws {
            try flush()
            try handle.close()
        }
    }
}
