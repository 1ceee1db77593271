/* liboxcc-musl-compat.a: what Debian's libstdc++.a and libgcc_eh.a, built
 * against glibc, need from the C library beyond what musl has, for C++
 * programs of target x86_64-linux-musl (the `c++` wrapper links it into
 * every program and shared object).
 *
 * Found with `nm -u` over libstdc++.a, libsupc++.a, libgcc.a and libgcc_eh.a
 * against `nm --defined-only` over musl's libc.a. musl already defines
 * glibc's own names for most of them (__newlocale, __uselocale,
 * __nl_langinfo_l, __strcoll_l, __isoc99_sscanf, ...); what is left is
 * below, each with why it is needed and which musl call does the work.
 * Debian's libstdc++.a references no __*_chk fortify function. */
#define _GNU_SOURCE
#include <errno.h>
#include <langinfo.h>
#include <link.h>
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* glibc's name for strftime_l, used by std::time_put. musl's libc.a has
 * it, its libc.so does not export it (dynamically linked C++ programs).
 * Weak: in a static link, musl's own definition wins. */
__attribute__((weak)) size_t __strftime_l(char *s, size_t n, const char *format,
                                          const struct tm *tm, locale_t loc) {
  return strftime_l(s, n, format, tm, loc);
}

/* glibc 2.32+: libstdc++ skips atomic reference counting (shared_ptr,
 * std::locale, COW strings) while this says the process has one thread.
 * musl keeps no such flag: 0, "maybe several threads", keeps every count
 * atomic, which is always correct. */
char __libc_single_threaded = 0;

/* glibc 2.36: std::random_device's default source. musl has getrandom(2),
 * the kernel's same generator; it works in an empty chroot (no /dev). */
uint32_t arc4random(void) {
  uint32_t value;
  for (;;) {
    ssize_t got = getrandom(&value, sizeof value, 0);
    if (got == (ssize_t)sizeof value) return value;
    if (got < 0 && errno != EINTR) abort(); /* arc4random cannot fail */
  }
}

/* glibc 2.18: libstdc++'s __cxa_thread_atexit (destructors of thread_local
 * objects) forwards here. musl has no equivalent: keep each thread's
 * destructors in a list, run in reverse order by a pthread key destructor
 * when the thread exits, and by atexit() for the thread that calls exit().
 * `dso` only matters to glibc's dlclose, which a static program never runs. */
struct thread_dtor {
  void (*fn)(void *);
  void *object;
  struct thread_dtor *next;
};
static __thread struct thread_dtor *thread_dtors;
static pthread_key_t thread_dtor_key;
static pthread_once_t thread_dtor_once = PTHREAD_ONCE_INIT;

static void run_thread_dtors(void *unused) {
  (void)unused;
  while (thread_dtors) { /* a destructor may register another one */
    struct thread_dtor *d = thread_dtors;
    thread_dtors = d->next;
    d->fn(d->object);
    free(d);
  }
}
static void run_thread_dtors_at_exit(void) { run_thread_dtors(0); }
static void init_thread_dtors(void) {
  pthread_key_create(&thread_dtor_key, run_thread_dtors);
  atexit(run_thread_dtors_at_exit);
}

int __cxa_thread_atexit_impl(void (*fn)(void *), void *object, void *dso) {
  (void)dso;
  pthread_once(&thread_dtor_once, init_thread_dtors);
  struct thread_dtor *d = malloc(sizeof *d);
  if (!d) return -1;
  *d = (struct thread_dtor){fn, object, thread_dtors};
  thread_dtors = d;
  pthread_setspecific(thread_dtor_key, d); /* non-null: the key destructor runs */
  return 0;
}

/* glibc 2.35: libgcc_eh's unwinder asks for the .eh_frame_hdr of the object
 * holding a code address (when the frames registered by crtbeginT.o do not
 * have it). The layout is glibc's x86_64 struct dl_find_object; the answer
 * comes from musl's dl_iterate_phdr, which also reports a static program. */
struct dl_find_object {
  unsigned long long dlfo_flags;
  void *dlfo_map_start, *dlfo_map_end;
  struct link_map *dlfo_link_map;
  void *dlfo_eh_frame;
  void *dlfo_eh_dbase; /* DLFO_STRUCT_HAS_EH_DBASE is 0 on x86_64: unused */
  unsigned long long reserved[6];
};

struct find_object_query {
  uintptr_t pc;
  struct dl_find_object *out;
  int found;
};

static int find_object_in(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct find_object_query *q = data;
  uintptr_t lo = UINTPTR_MAX, hi = 0;
  int holds_pc = 0;
  void *eh_frame = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t start = info->dlpi_addr + ph->p_vaddr, end = start + ph->p_memsz;
    if (ph->p_type == PT_GNU_EH_FRAME) eh_frame = (void *)start;
    if (ph->p_type != PT_LOAD) continue;
    if (start < lo) lo = start;
    if (end > hi) hi = end;
    holds_pc |= q->pc >= start && q->pc < end;
  }
  if (!holds_pc) return 0;
  memset(q->out, 0, sizeof *q->out);
  q->out->dlfo_map_start = (void *)lo;
  q->out->dlfo_map_end = (void *)hi;
  q->out->dlfo_eh_frame = eh_frame;
  q->found = 1;
  return 1;
}

int _dl_find_object(void *pc, struct dl_find_object *result) {
  struct find_object_query q = {(uintptr_t)pc, result, 0};
  dl_iterate_phdr(find_object_in, &q);
  return q.found ? 0 : -1;
}

/* Locales. libstdc++'s "gnu" locale model reads three fields of glibc's
 * struct __locale_struct directly (std::ctype<char> takes its
 * classification and case tables from __ctype_b, __ctype_tolower and
 * __ctype_toupper), but musl's struct is only its six category pointers:
 * read at glibc's offsets they are garbage, and the first istream >> int
 * crashes. So the locales libstdc++ creates (its only sources are
 * __newlocale and __duplocale, redirected here by the linker's
 * --wrap=__newlocale --wrap=__duplocale, see c++.specs) get glibc's
 * layout, and their first bytes are a copy of musl's struct: every musl
 * function given one (uselocale, strcoll_l, nl_langinfo_l...) reads its
 * categories as usual, and musl's freelocale frees it (it is allocated
 * at its own address).
 *
 * musl classifies bytes the same in all its locales (ASCII; bytes >= 0x80
 * are nothing), so one set of tables, the C locale's, is right for all. */
#define MUSL_LOCALE_SIZE (6 * sizeof(void *)) /* struct __locale_struct { cat[6] } */

struct glibc_locale {
  const void *locales[13]; /* starts with the musl locale (MUSL_LOCALE_SIZE) */
  const unsigned short *ctype_b;
  const int *ctype_tolower;
  const int *ctype_toupper;
  const char *names[13];
};
_Static_assert(MUSL_LOCALE_SIZE <= sizeof(((struct glibc_locale *)0)->locales),
               "musl's locale fits where glibc keeps its category data");

/* glibc's <ctype.h> bits for a little-endian unsigned short (the values
 * libstdc++'s ctype_base was compiled with; c++-include/bits/os_defines.h
 * gives the same to code compiled for musl). */
enum {
  IS_UPPER = 1 << 8, IS_LOWER = 1 << 9, IS_ALPHA = 1 << 10, IS_DIGIT = 1 << 11,
  IS_XDIGIT = 1 << 12, IS_SPACE = 1 << 13, IS_PRINT = 1 << 14, IS_GRAPH = 1 << 15,
  IS_BLANK = 1 << 0, IS_CNTRL = 1 << 1, IS_PUNCT = 1 << 2, IS_ALNUM = 1 << 3,
};

/* Indexed from -128 (signed char) to 255, as glibc's are. */
static unsigned short ctype_b[384];
static int ctype_tolower[384], ctype_toupper[384];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void init_tables(void) {
  for (int c = -128; c < 256; ++c) {
    unsigned short m = 0;
    int u = c >= 'A' && c <= 'Z', l = c >= 'a' && c <= 'z', d = c >= '0' && c <= '9';
    if (u) m |= IS_UPPER | IS_ALPHA | IS_ALNUM | IS_PRINT | IS_GRAPH;
    if (l) m |= IS_LOWER | IS_ALPHA | IS_ALNUM | IS_PRINT | IS_GRAPH;
    if (d) m |= IS_DIGIT | IS_ALNUM | IS_PRINT | IS_GRAPH;
    if (d || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) m |= IS_XDIGIT;
    if (c == ' ' || (c >= '\t' && c <= '\r')) m |= IS_SPACE;
    if (c == ' ' || c == '\t') m |= IS_BLANK;
    if ((c >= 0 && c < 32) || c == 127) m |= IS_CNTRL;
    if (c == ' ') m |= IS_PRINT;
    if (c > 32 && c < 127 && !u && !l && !d) m |= IS_PUNCT | IS_PRINT | IS_GRAPH;
    ctype_b[c + 128] = m;
    ctype_tolower[c + 128] = u ? c + 32 : c;
    ctype_toupper[c + 128] = l ? c - 32 : c;
  }
}

/* A glibc-shaped copy of musl locale `raw`, which is released (musl's
 * freelocale ignores its built-in locales). */
static locale_t glibc_shaped(locale_t raw) {
  if (!raw) return 0;
  struct glibc_locale *g = calloc(1, sizeof *g);
  if (!g) {
    freelocale(raw);
    errno = ENOMEM;
    return 0;
  }
  memcpy(g->locales, raw, MUSL_LOCALE_SIZE);
  pthread_once(&tables_once, init_tables);
  g->ctype_b = ctype_b + 128;
  g->ctype_tolower = ctype_tolower + 128;
  g->ctype_toupper = ctype_toupper + 128;
  for (int i = 0; i < 13; ++i) /* musl's _NL_LOCALE_NAME: (category << 16) | 0xffff */
    g->names[i] = i < LC_ALL ? nl_langinfo_l((i << 16) | 0xffff, raw) : "C";
  freelocale(raw);
  return (locale_t)g;
}

locale_t __real___newlocale(int mask, const char *name, locale_t base);
locale_t __real___duplocale(locale_t old);

locale_t __wrap___newlocale(int mask, const char *name, locale_t base) {
  locale_t made = __real___newlocale(mask, name, base);
  /* A base is one of ours (libstdc++ makes every locale it passes through
   * these two functions): musl updated its categories in place. */
  if (made && made == base) return made;
  return glibc_shaped(made);
}

locale_t __wrap___duplocale(locale_t old) { return glibc_shaped(__real___duplocale(old)); }
