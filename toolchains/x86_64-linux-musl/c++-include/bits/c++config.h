// oxcc, target x86_64-linux-musl: Debian's <bits/c++config.h>, less the
// features configured for glibc that musl does not have (the inline code
// in the headers would call functions musl lacks).
#include_next <bits/c++config.h>

// glibc 2.30's pthread_cond_clockwait / pthread_mutex_clocklock /
// pthread_rwlock_clock*lock: the headers fall back to the timed* calls.
#undef _GLIBCXX_USE_PTHREAD_COND_CLOCKWAIT
#undef _GLIBCXX_USE_PTHREAD_MUTEX_CLOCKLOCK
#undef _GLIBCXX_USE_PTHREAD_RWLOCK_CLOCKLOCK
// glibc 2.36's mbrtoc8/c8rtomb (<cuchar>).
#undef _GLIBCXX_USE_UCHAR_C8RTOMB_MBRTOC8_CXX20
#undef _GLIBCXX_USE_UCHAR_C8RTOMB_MBRTOC8_FCHAR8_T
