#ifndef ZICHA_CSQLITESHIM_H
#define ZICHA_CSQLITESHIM_H
/* sqlite3_config is variadic, which Swift cannot call. Sets, before SQLite is initialized:
   - multi-thread mode: no mutex around each call on a connection (GRDB already uses every connection from one
     thread at a time, and supports only this mode);
   - memory statistics on or off: on, every allocation and free of SQLite's takes a global mutex to count bytes.
   Returns SQLITE_OK, or SQLITE_MISUSE when SQLite was initialized already. */
int zicha_sqlite_configure(int memory_statistics);
#endif
