#ifndef ZICHA_CSQLITESHIM_H
#define ZICHA_CSQLITESHIM_H
/* sqlite3_config is variadic, which Swift cannot call. Multi-thread mode: no mutex around each call on a
   connection (GRDB already uses every connection from one thread at a time, and supports only this mode).
   Returns SQLITE_OK, or SQLITE_MISUSE when SQLite was initialized already. */
int zicha_sqlite_use_multithread_mode(void);
#endif
