// The C surface the Teacher adapter uses from libcurl. Only Teacher imports this module.
#ifndef SI_CCURL_SHIM_H
#define SI_CCURL_SHIM_H

// curl.h turns curl_easy_setopt into a type-checking macro under GCC/Clang; the typed wrappers below
// already fix each argument's type, so the macro only adds noise for the Clang importer.
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

// curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are variadic, and Swift cannot call
// variadic C functions. Each wrapper below fixes one argument type so Swift can call it; they can go
// once Swift imports C variadics (or libcurl grows typed setters).

/// Why: curl_easy_setopt is variadic; this form passes a `long` (flags, timeouts, sizes).
static inline CURLcode si_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/// Why: curl_easy_setopt is variadic; this form passes a NUL-terminated string (libcurl copies it,
/// except CURLOPT_POSTFIELDS, which we never use: the body goes through CURLOPT_COPYPOSTFIELDS).
static inline CURLcode si_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/// Why: curl_easy_setopt is variadic; this form passes an opaque pointer (CURLOPT_PRIVATE,
/// CURLOPT_WRITEDATA, CURLOPT_HEADERDATA, CURLOPT_ERRORBUFFER).
static inline CURLcode si_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

/// Why: curl_easy_setopt is variadic; this form passes a header list (CURLOPT_HTTPHEADER).
static inline CURLcode si_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

/// Why: curl_easy_setopt is variadic; this form passes a 64-bit size (CURLOPT_POSTFIELDSIZE_LARGE),
/// which must be a curl_off_t, not a long, on every platform.
static inline CURLcode si_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/// Why: curl_easy_setopt is variadic; this form passes a body/header callback
/// (CURLOPT_WRITEFUNCTION, CURLOPT_HEADERFUNCTION), which share curl_write_callback's shape.
static inline CURLcode si_curl_easy_setopt_write_callback(CURL *handle, CURLoption option, curl_write_callback value) {
    return curl_easy_setopt(handle, option, value);
}

/// Why: curl_easy_getinfo is variadic; this form reads a `long` (CURLINFO_RESPONSE_CODE).
static inline CURLcode si_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// Why: curl_easy_getinfo is variadic; this form reads a curl_off_t (CURLINFO_TOTAL_TIME_T, microseconds).
static inline CURLcode si_curl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// Why: curl_easy_getinfo is variadic; this form reads back a pointer stored with CURLOPT_PRIVATE.
/// (libcurl declares CURLINFO_PRIVATE as a string-typed info, but it returns the stored pointer verbatim.)
static inline CURLcode si_curl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, (char **)value);
}

/// Why: curl_multi_setopt is variadic; this form passes a `long` (CURLMOPT_MAX_HOST_CONNECTIONS, …).
static inline CURLMcode si_curl_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}

/// Why: CURLMsg keeps the transfer result inside an anonymous-member union; reading it here avoids
/// depending on how the Clang importer names that union.
static inline CURLcode si_curl_msg_result(const CURLMsg *message) {
    return message->data.result;
}

/// Why: names the calling thread (the transfer loop) for `top -H` and per-thread CPU accounting; glibc
/// declares pthread_setname_np only under _GNU_SOURCE, and prctl is variadic. Linux keeps 15 bytes.
#if defined(__APPLE__)
#include <pthread.h>
static inline void si_name_current_thread(const char *name) {
    pthread_setname_np(name);
}
#elif defined(__linux__)
#include <sys/prctl.h>
static inline void si_name_current_thread(const char *name) {
    prctl(PR_SET_NAME, (unsigned long)name, 0UL, 0UL, 0UL);
}
#else
static inline void si_name_current_thread(const char *name) {
    (void)name;
}
#endif

#endif
