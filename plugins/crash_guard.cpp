// Why the handler reports and exits instead of siglongjmp'ing back: a hook
// runs in oxcc's process, and a fault inside it may have left anything
// half-done: malloc's lock held, a list mid-insert, a record half-filled.
// Jumping back and carrying on would run oxcc on that state; the only
// safe continuation is none. So the handler uses async-signal-safe calls
// only (write, unlink, _exit): it names the plugin and the hook from
// strings prepared before the hook was entered, deletes the compiler's
// not-yet-recorded outputs (records are written by rename, after the
// hooks, so none is ever half-written) and exits with status 70. Forking a
// process per hook would isolate better but costs a fork on every compiler
// call and cannot let hooks edit oxcc's state. An alternate signal stack
// lets a stack overflow in the plugin be reported too. A fault outside
// plugin code is oxcc's own: the default action runs (core dump and all).
#include "crash_guard.h"

#include <csignal>
#include <cstring>
#include <unistd.h>

namespace oxcc {
namespace {

const char *volatile gPath = nullptr;
const char *volatile gHook = nullptr;
std::vector<std::string> gCleanup;

const int kSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};

const char *signalName(int sig) {
  switch (sig) {
  case SIGSEGV: return "SIGSEGV";
  case SIGBUS: return "SIGBUS";
  case SIGILL: return "SIGILL";
  case SIGFPE: return "SIGFPE";
  case SIGABRT: return "SIGABRT";
  }
  return "a signal";
}

void say(const char *s) {
  size_t n = strlen(s);
  while (n > 0) {
    ssize_t w = write(STDERR_FILENO, s, n);
    if (w <= 0) return;
    s += w, n -= size_t(w);
  }
}

void onFault(int sig) {
  const char *path = gPath, *hook = gHook;
  if (!path) {
    // Not in plugin code: oxcc's own fault, handled as if we were not here.
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  say("oxcc: error: plugin ");
  say(path);
  say(" crashed in its ");
  say(hook);
  say(" hook (");
  say(signalName(sig));
  say("); this call failed and nothing was recorded (fix the plugin, or remove it from "
      "--plugin, OXCC_PLUGINS or oxcc.toml)\n");
  for (const auto &p : gCleanup) unlink(p.c_str());
  _exit(kPluginCrashExit);
}

} // namespace

void installCrashGuard() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  static char altStack[64 * 1024];
  stack_t ss{};
  ss.ss_sp = altStack;
  ss.ss_size = sizeof altStack;
  sigaltstack(&ss, nullptr);
  struct sigaction sa{};
  sa.sa_handler = onFault;
  sa.sa_flags = SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  for (int sig : kSignals) sigaction(sig, &sa, nullptr);
}

void beginPluginCode(const char *path, const char *hook) {
  gHook = hook;
  gPath = path;
}

void endPluginCode() { gPath = nullptr; }

void setCrashCleanup(std::vector<std::string> paths) { gCleanup = std::move(paths); }

} // namespace oxcc
