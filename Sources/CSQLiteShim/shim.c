#include <sqlite3.h>
#include "CSQLiteShim.h"

int zicha_sqlite_configure(int memory_statistics) {
    int rc = sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    if (rc == SQLITE_OK) rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, memory_statistics);
    return rc;
}
