#include <isa-l/igzip_lib.h>
#include <isa-l/crc.h>

/// The level-1 work buffer's size (a macro Swift cannot import).
static const unsigned int zicha_isal_level1_buffer = ISAL_DEF_LVL1_DEFAULT;
