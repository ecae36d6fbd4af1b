#ifndef ZICHA_CSQLITE_H
#define ZICHA_CSQLITE_H
/* SQLite itself (sqlite3.c, the 3.50.4 amalgamation), compiled into zicha: see README.md beside it. Nothing is
   imported from here: GRDB and CSQLiteShim call SQLite through Debian's <sqlite3.h>, whose functions this build
   defines, so the linker takes them from here rather than from libsqlite3.so. */
#endif
