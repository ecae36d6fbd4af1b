import GRDB

/// Inserts rows into one table many at a time: `INSERT … VALUES (…), (…), …` of `rowsPerStatement` rows, the
/// rest one by one when the caller flushes. Each run of a statement opens its table's cursor and descends its B-tree
/// from the root, which a run of 64 rows does once (in C, 3.1 M events into the `WITHOUT ROWID` event table: 2.7 s
/// one row per statement, 1.7–1.8 s 64 rows per statement; a night's log import 3.36 → 2.91 s at 1M). Rows wait
/// in `pending` until a statement's worth is there; a failure is the statement's, so callers use it where no
/// single row can fail on its own (every value checked before, keys unique by construction).
final class MultiRowInsert<Row> {
    /// Binds `row` as parameters `offset + 1 …` of `statement` (`parametersPerRow` of them at most).
    typealias Binder = (_ statement: FastStatement, _ row: Row, _ offset: Int32) -> Void

    private let rowsPerStatement: Int
    private let parametersPerRow: Int32
    private let many: FastStatement
    private let one: FastStatement
    private let bind: Binder
    private var pending: [Row] = []

    /// `head` is the statement up to `VALUES`, naming `parametersPerRow` columns, each given one parameter per row.
    init(_ db: Database, head: String, parametersPerRow: Int, rowsPerStatement: Int = 64, bind: @escaping Binder) throws {
        self.rowsPerStatement = rowsPerStatement
        self.parametersPerRow = Int32(parametersPerRow)
        self.bind = bind
        func tuple(_ row: Int) -> String {
            "(" + (1...parametersPerRow).map { "?\(row * parametersPerRow + $0)" }.joined(separator: ", ") + ")"
        }
        many = try FastStatement(db, sql: head + " VALUES " + (0..<rowsPerStatement).map(tuple).joined(separator: ", "))
        one = try FastStatement(db, sql: head + " VALUES " + tuple(0))
        pending.reserveCapacity(rowsPerStatement)
    }

    /// Adds a row; stores the pending rows when they fill a statement.
    func add(_ row: Row, _ db: Database) throws {
        pending.append(row)
        guard pending.count == rowsPerStatement else { return }
        for (i, row) in pending.enumerated() { bind(many, row, Int32(i) * parametersPerRow) }
        try many.execute(db)
        pending.removeAll(keepingCapacity: true)
    }

    /// Stores the rows still pending.
    func flush(_ db: Database) throws {
        for row in pending {
            bind(one, row, 0)
            try one.execute(db)
        }
        pending.removeAll(keepingCapacity: true)
    }
}
