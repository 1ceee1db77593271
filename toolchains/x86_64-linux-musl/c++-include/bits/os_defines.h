// oxcc, target x86_64-linux-musl: stands in for the glibc-specific
// <bits/os_defines.h> of Debian's libstdc++ headers (found first on the
// include path set by the `c++` wrapper). Debian's libstdc++.a was compiled
// for glibc; code compiled for musl against the same headers must agree
// with it on what the headers ask of the C library.
#ifndef _GLIBCXX_OS_DEFINES
#define _GLIBCXX_OS_DEFINES 1

// Keeps isalnum() and friends functions, never macros.
#define __NO_CTYPE 1

#include <features.h>

// musl declares no obsolete isinf/isnan of its own.
#define _GLIBCXX_NO_OBSOLETE_ISINF_ISNAN_DYNAMIC 1

// All of pthreads is in musl's libc: no weak references, std::thread always
// usable, and pthread_self() is the thread id.
#define _GLIBCXX_GTHREAD_USE_WEAK 0
#define _GLIBCXX_NATIVE_THREAD_ID pthread_self()

// libstdc++'s "gnu" locale model names glibc's locale type; musl's locale_t
// is a pointer to a struct of the same tag.
struct __locale_struct;
typedef struct __locale_struct *__locale_t;

// std::ctype_base's masks are glibc's <ctype.h> bits (little-endian
// unsigned short): the values the library's tables were built with.
// compat.c's tables use the same.
#define _ISupper 0x100
#define _ISlower 0x200
#define _ISalpha 0x400
#define _ISdigit 0x800
#define _ISxdigit 0x1000
#define _ISspace 0x2000
#define _ISprint 0x4000
#define _ISgraph 0x8000
#define _ISblank 0x1
#define _IScntrl 0x2
#define _ISpunct 0x4
#define _ISalnum 0x8

#endif
