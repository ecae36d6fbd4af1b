import GRDB

/// The tables of zicha's database. Singular names, explicit keys, unique indexes where the domain has them.
enum Schema {
    static func createV1(_ db: Database) throws {
        // Every imported file. A log seen before (same SHA-256) is not imported again; a roster or counselor list
        // is skipped only when it equals the latest one of its kind (a snapshot can come back: A, B, then A again).
        try db.execute(sql: """
            CREATE TABLE import_file (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('roster', 'counselors', 'log')),
                name TEXT NOT NULL,
                size INTEGER NOT NULL,
                sha256 TEXT NOT NULL,
                encoding TEXT NOT NULL,
                as_of TEXT NOT NULL,
                rows_accepted INTEGER NOT NULL,
                rows_rejected INTEGER NOT NULL,
                imported_at TEXT NOT NULL
            );
            CREATE INDEX import_file_by_digest ON import_file(kind, sha256);
            -- Rows set aside, with the reason and the row's cells as the file had them.
            CREATE TABLE reject (
                file_id INTEGER NOT NULL REFERENCES import_file(id) ON DELETE CASCADE,
                line INTEGER NOT NULL,
                location TEXT NOT NULL,
                reason TEXT NOT NULL,
                raw TEXT NOT NULL,
                PRIMARY KEY (file_id, line)
            ) WITHOUT ROWID;
            -- The roster: one row per student ever seen; those who left keep their row with left_on set.
            -- file_id, line and last_seen: the roster row that last changed the student (an unchanged row is not rewritten).
            -- A rowid table with a unique 考生号 index: rosters come in any order, and a small index takes random
            -- inserts far better than a wide table clustered on 考生号.
            CREATE TABLE student (
                id INTEGER PRIMARY KEY,
                ksh TEXT NOT NULL UNIQUE,
                xh TEXT NOT NULL,
                name_raw TEXT NOT NULL,
                name TEXT NOT NULL,
                admission_name TEXT NOT NULL,
                id_raw TEXT NOT NULL,
                id_norm TEXT NOT NULL,
                id_problem TEXT,
                id_cleaned INTEGER NOT NULL,
                id15 TEXT,
                sex TEXT NOT NULL,
                birthdate TEXT NOT NULL,
                phone_raw TEXT NOT NULL,
                phone_norm TEXT NOT NULL,
                phone_valid INTEGER NOT NULL,
                college TEXT NOT NULL,
                major TEXT NOT NULL,
                class TEXT NOT NULL,
                counselor TEXT NOT NULL,
                counselor_email TEXT NOT NULL,
                first_seen TEXT NOT NULL,
                last_seen TEXT NOT NULL,
                left_on TEXT,
                file_id INTEGER NOT NULL REFERENCES import_file(id),
                line INTEGER NOT NULL
            );
            -- Counselor mapping by class or college, replaced by each counselor list imported.
            CREATE TABLE counselor_scope (
                scope_kind TEXT NOT NULL CHECK (scope_kind IN ('class', 'college')),
                scope TEXT NOT NULL,
                counselor TEXT NOT NULL,
                email TEXT NOT NULL,
                file_id INTEGER NOT NULL REFERENCES import_file(id),
                line INTEGER NOT NULL,
                PRIMARY KEY (scope_kind, scope)
            ) WITHOUT ROWID;
            -- Self-check events, kept whether or not their ID is on the roster yet.
            CREATE TABLE event (
                file_id INTEGER NOT NULL REFERENCES import_file(id),
                line INTEGER NOT NULL,
                id_norm TEXT NOT NULL,
                is15 INTEGER NOT NULL,
                name TEXT NOT NULL,
                kind TEXT NOT NULL,
                detail TEXT NOT NULL,
                reason TEXT,
                ts INTEGER NOT NULL,
                PRIMARY KEY (file_id, line)
            ) WITHOUT ROWID;
            -- One row per night reconciled.
            CREATE TABLE run (
                id INTEGER PRIMARY KEY,
                as_of TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL,
                students INTEGER NOT NULL,
                checked INTEGER NOT NULL,
                unchecked INTEGER NOT NULL,
                disputed INTEGER NOT NULL,
                inputs TEXT NOT NULL DEFAULT ''
            );
            -- Each roster student's result of a night.
            CREATE TABLE student_result (
                run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                ksh TEXT NOT NULL,
                state TEXT NOT NULL,
                outstanding_since TEXT,
                counselor TEXT NOT NULL,
                counselor_email TEXT NOT NULL,
                PRIMARY KEY (run_id, ksh)
            ) WITHOUT ROWID;
            -- Findings of a night: subject is the 考生号, or the ID for NOT_ON_ROSTER.
            CREATE TABLE finding (
                run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                subject TEXT NOT NULL,
                code TEXT NOT NULL,
                detail TEXT NOT NULL,
                remedies TEXT NOT NULL,
                change TEXT NOT NULL DEFAULT 'new',
                PRIMARY KEY (run_id, subject, code)
            ) WITHOUT ROWID;
            -- Counselor mail: one row per night and recipient; re-running a night sends nothing twice.
            CREATE TABLE delivery (
                as_of TEXT NOT NULL,
                recipient TEXT NOT NULL,
                counselor TEXT NOT NULL,
                message_id TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'unknown')),
                attempts INTEGER NOT NULL DEFAULT 0,
                detail TEXT NOT NULL DEFAULT '',
                updated_at TEXT NOT NULL,
                PRIMARY KEY (as_of, recipient)
            ) WITHOUT ROWID;
            """)
    }

    /// Each night's progress per college and class, counted while reconciling (the summary reads these few
    /// thousand rows instead of joining a million results with the roster).
    static func createV2(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE class_progress (
                run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                college TEXT NOT NULL,
                class TEXT NOT NULL,
                students INTEGER NOT NULL,
                checked INTEGER NOT NULL,
                disputed INTEGER NOT NULL,
                PRIMARY KEY (run_id, college, class)
            ) WITHOUT ROWID;
            -- Nights reconciled before this table existed get their counts from the results.
            INSERT INTO class_progress (run_id, college, class, students, checked, disputed)
                SELECT r.run_id, s.college, s.class, count(*), sum(r.state = 'checked'), sum(r.state = 'disputed')
                FROM student_result r JOIN student s ON s.ksh = r.ksh GROUP BY r.run_id, s.college, s.class;
            """)
    }

    /// The 15-digit forms are found through the ID index (their 18-digit forms are looked up): a second index
    /// of every student's ID cost a sort of the roster per night.
    static func dropV3(_ db: Database) throws {
        try db.execute(sql: "DROP INDEX IF EXISTS student_by_id15")
    }

    /// Results and findings keyed by the student's row id instead of the 考生号: the reports join each result with
    /// its student, and in row-id order that join walks the roster's pages in storage order instead of fetching
    /// a million rows at random (at 1M, the pass by class's query 10 → 6 s). NOT_ON_ROSTER findings, about an ID
    /// and not a student, have student_id 0. The 考生号 stays in both tables.
    static func keyByStudentV4(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE student_result_v4 (
                run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                student_id INTEGER NOT NULL,
                ksh TEXT NOT NULL,
                state TEXT NOT NULL,
                outstanding_since TEXT,
                counselor TEXT NOT NULL,
                counselor_email TEXT NOT NULL,
                PRIMARY KEY (run_id, student_id)
            ) WITHOUT ROWID;
            INSERT INTO student_result_v4 (run_id, student_id, ksh, state, outstanding_since, counselor, counselor_email)
                SELECT r.run_id, s.id, r.ksh, r.state, r.outstanding_since, r.counselor, r.counselor_email
                FROM student_result r JOIN student s ON s.ksh = r.ksh ORDER BY r.run_id, s.id;
            DROP TABLE student_result;
            ALTER TABLE student_result_v4 RENAME TO student_result;
            CREATE TABLE finding_v4 (
                run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                student_id INTEGER NOT NULL,
                subject TEXT NOT NULL,
                code TEXT NOT NULL,
                detail TEXT NOT NULL,
                remedies TEXT NOT NULL,
                change TEXT NOT NULL DEFAULT 'new',
                PRIMARY KEY (run_id, student_id, subject, code)
            ) WITHOUT ROWID;
            INSERT INTO finding_v4 (run_id, student_id, subject, code, detail, remedies, change)
                SELECT f.run_id, coalesce(s.id, 0), f.subject, f.code, f.detail, f.remedies, f.change
                FROM finding f LEFT JOIN student s ON f.code <> 'NOT_ON_ROSTER' AND s.ksh = f.subject
                ORDER BY 1, 2, 3, 4;
            DROP TABLE finding;
            ALTER TABLE finding_v4 RENAME TO finding;
            """)
    }

    /// Students a roster changed, with the values they had before (filled by a trigger whenever a roster rewrites a
    /// student, or marks one left): a night after a new roster reconciles only them, those sharing their former
    /// or present ID or phone, and the IDs new log rows name (`ReconcileSession`). A first roster inserts and
    /// changes nothing here.
    static func trackChangesV5(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE student_change (
                file_id INTEGER NOT NULL,
                student_id INTEGER NOT NULL,
                id_norm TEXT NOT NULL,
                id15 TEXT,
                phone_norm TEXT,
                college TEXT NOT NULL,
                class TEXT NOT NULL
            );
            CREATE INDEX student_change_by_student ON student_change(student_id, file_id);
            """)
        try db.execute(sql: changeTrigger)
    }

    /// Records a student's former values in `student_change` whenever a roster rewrites the row.
    private static let changeTrigger = """
        CREATE TRIGGER student_changed AFTER UPDATE OF name, admission_name, id_raw, id_norm, id_problem, id_cleaned,
            phone_raw, phone_norm, phone_valid, college, class, counselor, counselor_email, left_on ON student
        BEGIN
            INSERT INTO student_change (file_id, student_id, id_norm, id15, phone_norm, college, class)
            VALUES ((SELECT max(id) FROM import_file), old.id, old.id_norm, old.id15,
                    CASE WHEN old.phone_valid THEN old.phone_norm END, old.college, old.class);
        END;
        """

    /// The 考生号's uniqueness as an index of its own (`keyIndex`) rather than a constraint of the table, so that a
    /// first roster can be loaded without it and the index built after, in one sort: at 1M, inserting into the
    /// table with its unique index took 1.69 s in `sqlite3`, against 0.48 s without it and 0.83 s to build it after,
    /// and at 10M the index outgrows the page cache and each insert reads pages from disk. The table is rebuilt
    /// with the same row ids, values, trigger and indexes. (Its columns repeat v1's and v6's on purpose: a migration
    /// spells out the table it makes, so that it never changes with later code.)
    static func keyIndexV8(_ db: Database) throws {
        let indexes = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'student'"))
        let columns = """
            id, ksh, xh, name_raw, name, admission_name, id_raw, id_norm, id_problem, id_cleaned, id15, sex, birthdate,
            phone_raw, phone_norm, phone_valid, college, major, class, counselor, counselor_email, first_seen, last_seen,
            left_on, file_id, line, row_hash
            """
        try db.execute(sql: """
            DROP TRIGGER student_changed;
            CREATE TABLE student_v8 (
                id INTEGER PRIMARY KEY,
                ksh TEXT NOT NULL,
                xh TEXT NOT NULL,
                name_raw TEXT NOT NULL,
                name TEXT NOT NULL,
                admission_name TEXT NOT NULL,
                id_raw TEXT NOT NULL,
                id_norm TEXT NOT NULL,
                id_problem TEXT,
                id_cleaned INTEGER NOT NULL,
                id15 TEXT,
                sex TEXT NOT NULL,
                birthdate TEXT NOT NULL,
                phone_raw TEXT NOT NULL,
                phone_norm TEXT NOT NULL,
                phone_valid INTEGER NOT NULL,
                college TEXT NOT NULL,
                major TEXT NOT NULL,
                class TEXT NOT NULL,
                counselor TEXT NOT NULL,
                counselor_email TEXT NOT NULL,
                first_seen TEXT NOT NULL,
                last_seen TEXT NOT NULL,
                left_on TEXT,
                file_id INTEGER NOT NULL REFERENCES import_file(id),
                line INTEGER NOT NULL,
                row_hash INTEGER
            );
            INSERT INTO student_v8 (\(columns)) SELECT \(columns) FROM student ORDER BY id;
            DROP TABLE student;
            ALTER TABLE student_v8 RENAME TO student;
            """)
        try db.execute(sql: keyIndex)
        try db.execute(sql: changeTrigger)
        if indexes.contains("student_by_id") { try db.execute(sql: idIndex) }
        if indexes.contains("student_by_phone") { try db.execute(sql: phoneIndex) }
    }

    /// `import_file.last_ts`: a log's latest event time (NULL for other files). A night counts the events up to its
    /// own end (`ReconcileSession`); the next night must reconcile again the IDs of stored events dated between the
    /// two nights' ends, and finds the few logs that hold any without reading every event.
    static func lastEventTimeV9(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE import_file ADD COLUMN last_ts INTEGER;
            UPDATE import_file SET last_ts = (SELECT max(ts) FROM event WHERE file_id = import_file.id) WHERE kind = 'log';
            """)
    }

    /// A state row left out because it only said again what the student's previous event said
    /// (`ImportSession.storeStagedStates`) leaves its time here, against that event. Without it, a night run late whose
    /// export says another state in between would take that state as the latest one (the later export's row, which
    /// said the earlier state again after it, was never stored). Every time is kept, not only the latest: a night run
    /// again between two of them counts the one before its end (≈ 45 bytes a student a night, against ≈ 200 for the
    /// row stored as an event with its index entry). `timeless_states` counts a log's state rows without a time of
    /// their own: such a log, given again on a later night, says those states again then (`ImportSession.beginFile`).
    static func restatedStatesV13(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE state_restated (
                id_norm TEXT NOT NULL,
                file_id INTEGER NOT NULL,
                line INTEGER NOT NULL,
                ts INTEGER NOT NULL,
                PRIMARY KEY (id_norm, file_id, line, ts)
            ) WITHOUT ROWID;
            ALTER TABLE import_file ADD COLUMN timeless_states INTEGER NOT NULL DEFAULT 0;
            """)
    }

    /// v13 added `import_file.timeless_states` as 0 for every log stored before it: a status export imported then and
    /// given again after the upgrade was "already imported", its states not said again that night (found by an audit
    /// of upgrades mid-season: 25 students of 3,000 stayed checked that the export said 未查). Counted here from the
    /// stored rows: state events dated the night of their file at 00:00, as `ImportSession` counts them.
    static func timelessStatesV14(_ db: Database) throws {
        try db.execute(sql: """
            UPDATE import_file SET timeless_states = (
                SELECT count(*) FROM event e WHERE e.file_id = import_file.id AND e.kind IN ('checked', 'unchecked', 'disputed')
                  AND e.ts = unixepoch(import_file.as_of))
            WHERE kind = 'log' AND timeless_states = 0
            """)
    }

    /// Builds before a log's rows given by an earlier file were left out (session 12) stored a log exported whole each
    /// night in full: every event again, counted again in RECOVERY_BLOCKED's attempts and NOT_ON_ROSTER's 记录数 (found
    /// by an audit of upgrades: 找回用户名 6 次 instead of 3, a remedy changed). Such repeats are removed as the import
    /// leaves them out — the same ID, time, event, reason, name and detail as a row of an earlier file. (The next night
    /// reconciles every student: a new build's identity is part of a night's settings, so no result counted with the
    /// repeats is carried over.)
    static func repeatedEventsV15(_ db: Database) throws {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM event)") == true else { return }  // a new database
        try db.execute(sql: eventIndex)  // there since the first night's load; the lookup below needs it
        try db.execute(sql: """
            DELETE FROM event WHERE EXISTS (SELECT 1 FROM event e INDEXED BY event_by_id WHERE e.id_norm = event.id_norm
              AND e.ts = event.ts AND e.file_id < event.file_id AND e.is15 = event.is15 AND e.kind = event.kind
              AND e.reason IS event.reason AND e.name = event.name AND e.detail = event.detail)
            """)
    }

    /// College and class names stored before they were read as one spelling (`Text.unitName`, session 22): an
    /// unchanged roster or counselor list is not imported again, so without this a night after the upgrade compared
    /// the stored `计科 2601` with a new file's `计科2601`, and every student of the class lost their counselor. Only
    /// rows whose names change are written (their hash cleared: the next roster writes them again); in the counselor
    /// list, two rows that become one keep the later, as two equal rows of a list always did.
    static func unitNamesV10(_ db: Database) throws {
        db.add(function: DatabaseFunction("zicha_unit_name", argumentCount: 1, pure: true) { values in
            String.fromDatabaseValue(values[0]).map(Text.unitName)
        })
        try db.execute(sql: """
            UPDATE student SET college = zicha_unit_name(college), class = zicha_unit_name(class), row_hash = NULL
            WHERE college <> zicha_unit_name(college) OR class <> zicha_unit_name(class)
            """)
        let scopes = try Row.fetchAll(db, sql: "SELECT scope_kind, scope, counselor, email, file_id, line FROM counselor_scope ORDER BY file_id, line")
        guard scopes.contains(where: { Text.unitName($0[1]) != ($0[1] as String) }) else { return }
        try db.execute(sql: "DELETE FROM counselor_scope")
        for row in scopes {
            try db.execute(sql: "INSERT OR REPLACE INTO counselor_scope (scope_kind, scope, counselor, email, file_id, line) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [row[0], Text.unitName(row[1]), row[2], row[3], row[4], row[5]])
        }
    }

    /// Names, college and class names in their compatibility form, and phones and IDs without invisible characters
    /// (session 32: `Text.compatibilityForm`, `Text.isInvisible`). The stored admission names are read again (a name
    /// stored as `ＬｉＮａ` against tonight's `Li Na` would be NAME_CHANGED), so are the college and class names
    /// (`unitNamesV10` with today's `Text.unitName`), and the latest roster and counselor list are imported again by the
    /// next night, even unchanged (their digests are marked), every row rewritten (the row hashes and the roster's
    /// sequence cleared), so that every student's name, phone and ID is read as tonight's files are. The stored events'
    /// names are read again too, and the states an earlier build re-dated from a log with times given again are removed.
    static func compatibilityFormsV16(_ db: Database) throws {
        db.add(function: DatabaseFunction("zicha_person_name", argumentCount: 1, pure: true) { values in
            String.fromDatabaseValue(values[0]).map { PersonName($0).normalized }
        })
        // An admission name taken from the name cell itself is read from that cell again (`ＬｉＮａ`, stored without the
        // space the cell had, is `Li Na` as tonight reads it, not `LiNa`); so is one that differs from tonight's name
        // only by the spaces the earlier build dropped between full-width letters (`ＬｉＭｉｎ` admitted, `Li Min` now:
        // else NAME_CHANGED for good — found by an audit of the upgrade).
        try db.execute(sql: """
            UPDATE student SET admission_name = CASE
                    WHEN admission_name = name THEN zicha_person_name(name_raw)
                    WHEN replace(zicha_person_name(admission_name), ' ', '') = replace(zicha_person_name(name_raw), ' ', '')
                        THEN zicha_person_name(name_raw)
                    ELSE zicha_person_name(admission_name) END,
                name = zicha_person_name(name_raw)
            WHERE name <> zicha_person_name(name_raw) OR admission_name <> zicha_person_name(admission_name);
            UPDATE student SET row_hash = NULL;
            DELETE FROM roster_sequence;
            UPDATE import_file SET sha256 = sha256 || ' (read before v16)' WHERE kind IN ('roster', 'counselors');
            """)
        // Stored events' names as a log gives them now: a whole log exported again after the upgrade, its names read
        // in the compatibility form, would else store its rows again (two name mismatches counted as four: RECOVERY_BLOCKED).
        try db.execute(sql: "UPDATE event SET name = zicha_person_name(name) WHERE name <> zicha_person_name(name)")
        // Rows the earlier build stored twice because their names differed only in form are now the same row from two
        // files: the later one goes, as a repeat does (a third attempt counted: RECOVERY_BLOCKED from two).
        if db.changesCount > 0 { try repeatedEventsV15(db) }
        // The states a log with times gave again, dated a later night, when the earlier build read it again there:
        // only a status export (every row a state without a time) is read again now. Those rows undid a 自查完成 at a
        // known time with a 未查 without one; the first night of the new build reconciles everyone without them.
        let rereadLogs = """
            SELECT f.id FROM import_file f WHERE f.kind = 'log' AND f.timeless_states < f.rows_accepted
              AND EXISTS (SELECT 1 FROM import_file e WHERE e.kind = 'log' AND e.sha256 = f.sha256 AND e.id < f.id)
            """
        try db.execute(sql: "DELETE FROM event WHERE file_id IN (\(rereadLogs))")
        try db.execute(sql: "DELETE FROM state_restated WHERE file_id IN (\(rereadLogs))")
        try unitNamesV10(db)
    }

    /// A class's mapping within its college (`counselor_scope.college`): two colleges may each have a 1班, and a list
    /// naming both (`1班,计算机学院,李老师` and `1班,电子学院,王老师`) gave both classes to the later counselor — a
    /// counselor mailed another college's students. '' stands for every college (a row naming only the class), and
    /// for college rows. Mappings stored before had no college: the latest counselor list is imported again by the
    /// next night, even unchanged (its digest is marked), or its rows would keep mapping one college's class to another.
    static func classWithinCollegeV11(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE counselor_scope_v11 (
                scope_kind TEXT NOT NULL CHECK (scope_kind IN ('class', 'college')),
                college TEXT NOT NULL DEFAULT '',
                scope TEXT NOT NULL,
                counselor TEXT NOT NULL,
                email TEXT NOT NULL,
                file_id INTEGER NOT NULL REFERENCES import_file(id),
                line INTEGER NOT NULL,
                PRIMARY KEY (scope_kind, college, scope)
            ) WITHOUT ROWID;
            INSERT INTO counselor_scope_v11 (scope_kind, college, scope, counselor, email, file_id, line)
                SELECT scope_kind, '', scope, counselor, email, file_id, line FROM counselor_scope;
            DROP TABLE counselor_scope;
            ALTER TABLE counselor_scope_v11 RENAME TO counselor_scope;
            UPDATE import_file SET sha256 = sha256 || ' (read before v11)' WHERE kind = 'counselors';
            """)
    }

    /// The 考生号 index: dropped while a first roster fills an empty table, built again after it (`ImportSession`).
    static let keyIndex = "CREATE UNIQUE INDEX student_by_ksh ON student(ksh)"

    /// The latest roster's rows in file order, as (hash, student row id) pairs in blobs (`RosterSequence`). Empty
    /// until the next roster: that one's rows are then looked up by 考生号 as before.
    static func rosterSequenceV7(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE roster_sequence (
                file_id INTEGER NOT NULL,
                chunk INTEGER NOT NULL,
                entries BLOB NOT NULL,
                PRIMARY KEY (file_id, chunk)
            ) WITHOUT ROWID;
            """)
    }

    /// Valid mobiles, for the nights after a roster changed students: who shares a changed student's present or former
    /// phone (`ReconcileSession`) is found through it instead of by reading the whole roster twice (0.4 + 0.6 s at 1M,
    /// against 0.01 + 0.2 s). Created by the first such night (≈ 1.2 s at 1M, once) rather than after a first import,
    /// where it would cost that second and speed up only the phone groups computed beside the join's sort.
    static let phoneIndex = "CREATE INDEX IF NOT EXISTS student_by_phone ON student(phone_norm) WHERE phone_valid"

    /// Students by normalized ID (the join, shared IDs, the touched IDs of an incremental night).
    static let idIndex = "CREATE INDEX IF NOT EXISTS student_by_id ON student(id_norm)"

    /// Events by ID and time, covering every column the join reads: the reconciliation's scan in ID order reads the
    /// index alone, sequentially, instead of one row lookup per event; a log stored over earlier ones finds there
    /// the events they already gave (`ImportSession`).
    static let eventIndex = "CREATE INDEX IF NOT EXISTS event_by_id ON event(id_norm, ts, file_id, line, is15, kind, reason, name, detail)"

    /// Indexes that bulk loads would slow down; created once, after the first load.
    static let lookupIndexes = [
        idIndex,
        eventIndex,
        "CREATE INDEX IF NOT EXISTS event_15 ON event(id_norm) WHERE is15",
    ].joined(separator: ";\n")
}
