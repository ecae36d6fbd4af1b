#ifndef ZICHA_CCURLSHIM_H
#define ZICHA_CCURLSHIM_H
#include <curl/curl.h>
/* Typed, non-variadic wrappers over curl_easy_setopt / curl_easy_getinfo, which Swift cannot call. */
CURLcode zicha_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode zicha_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode zicha_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
#endif
