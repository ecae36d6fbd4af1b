#include <libxml/xmlversion.h>
// Debian's libxml2 is built with ICU, so encoding.h would pull in the system <unicode/ucnv.h>,
// which clashes with the ICU Foundation bundles. zicha never touches the ICU fields
// (xmlCharEncodingHandler.uconv_*), so hide them.
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlreader.h>
#include <libxml/parser.h>
#include <libxml/SAX2.h>
