// jemalloc replaces malloc for the whole process once linked (its malloc comes before glibc's in the lookup
// order); Swift calls only mallctl, to hand freed pages back between stages.
#include <jemalloc/jemalloc.h>
