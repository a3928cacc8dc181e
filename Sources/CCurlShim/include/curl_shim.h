#ifndef TROBADOR_CURL_SHIM_H
#define TROBADOR_CURL_SHIM_H

// Swift cannot call C variadic functions, so each curl_easy_setopt, curl_easy_getinfo and
// curl_multi_setopt argument type gets one typed wrapper here. Nothing else belongs here.

#include <curl/curl.h>

CURLcode curlshim_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode curlshim_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode curlshim_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode curlshim_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
/// For CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION, which share one signature.
CURLcode curlshim_easy_setopt_write_function(CURL *handle, CURLoption option, curl_write_callback value);
CURLcode curlshim_easy_setopt_read_function(CURL *handle, CURLoption option, curl_read_callback value);

CURLcode curlshim_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode curlshim_easy_getinfo_double(CURL *handle, CURLINFO info, double *value);
CURLcode curlshim_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);
CURLcode curlshim_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);

CURLMcode curlshim_multi_setopt_long(CURLM *handle, CURLMoption option, long value);

#endif
