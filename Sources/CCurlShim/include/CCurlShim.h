#ifndef ZICHA_CCURLSHIM_H
#define ZICHA_CCURLSHIM_H
#include <curl/curl.h>
/* Typed, non-variadic wrappers over curl_easy_setopt / curl_easy_getinfo, which Swift cannot call. */
CURLcode zicha_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode zicha_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode zicha_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode zicha_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value);

/* The upload source: curl calls `read` with `userdata` until it returns 0 (end of message). */
typedef size_t (*zicha_curl_read_fn)(char *buffer, size_t size, size_t count, void *userdata);
CURLcode zicha_curl_set_reader(CURL *handle, zicha_curl_read_fn read, void *userdata);

/* The server's lines (SMTP replies: `250 OK`, `550 5.1.1 …`): curl calls `line` with `userdata` for each one. */
typedef size_t (*zicha_curl_line_fn)(char *buffer, size_t size, size_t count, void *userdata);
CURLcode zicha_curl_set_line_reader(CURL *handle, zicha_curl_line_fn line, void *userdata);

/* The last server reply code (SMTP: 250, 451, 550 …) and other long-valued facts. */
CURLcode zicha_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode zicha_curl_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *value);
#endif
