#include "compiler.h"
#include "base/environment.h"

#include "base/fs.h"
#include "base/process.h"
#include "store/store.h"

#include <cstdlib>
#include <sys/stat.h>

namespace oxcc {

bool chooseCompiler(const std::string &invokedAs, const Invocation &inv, Command &command,
                    std::string &error) {
  std::string name;
  const char *from = "PATH";
  if (!inv.compilerOverride.empty()) {
    name = inv.compilerOverride, from = "--oxcc-cc";
  } else if (const std::string &env = inv.cxxDriver ? environment().cxx : environment().cc;
             !env.empty()) {
    name = env, from = inv.cxxDriver ? "OXCC_CXX" : "OXCC_CC";
  } else if (invokedAs == "oxcc" || invokedAs == "oxc++") {
    name = inv.cxxDriver ? "c++" : "cc";
  } else {
    name = invokedAs; // oxcc installed as "gcc": run the next gcc on PATH
  }

  std::string self = selfExe();
  std::string path = findOnPath(name, self);
  if (path.empty()) {
    error = "cannot find the real compiler '" + name + "' (from " + from +
            "); set OXCC_CC / OXCC_CXX to it";
    return false;
  }
  if (realPath(path) == self) {
    error = std::string("the real compiler (") + from + "=" + name +
            ") is oxcc itself; set OXCC_CC / OXCC_CXX to gcc or clang";
    return false;
  }
  command.path = path;
  command.argv.clear();
  // argv[0] is the resolved path: gcc finds cc1 and its libraries from
  // argv[0] (through PATH when it is a bare name, which would find oxcc
  // again when oxcc is installed as "gcc"), and names itself in messages
  // by its basename only, so diagnostics are unchanged.
  command.argv.push_back(path);
  command.argv.insert(command.argv.end(), inv.compilerArgs.begin(), inv.compilerArgs.end());
  return true;
}

// `path -dumpmachine`, first line.
static std::string askTriple(const std::string &path) {
  std::string out;
  if (!captureOutput({path, {path, "-dumpmachine"}}, out)) return "";
  return out.substr(0, out.find('\n'));
}

std::string targetTriple(const Invocation &inv, const std::string &compilerPath,
                         const Store *store) {
  if (!inv.target.empty()) return inv.target;
  if (!environment().target.empty()) return environment().target;
  // Asking the compiler costs a process; the answer only changes when the
  // compiler binary does, so key the cache on its identity.
  std::string real = realPath(compilerPath);
  struct stat st;
  if (real.empty() || stat(real.c_str(), &st) != 0) return askTriple(compilerPath);
  std::string key = sha256Hex(real + "\n" + std::to_string(st.st_size) + "\n" +
                              std::to_string(st.st_mtim.tv_sec) + "." +
                              std::to_string(st.st_mtim.tv_nsec))
                        .substr(0, 24);
  if (store) {
    std::string cached = store->cachedValue(key);
    if (!cached.empty()) return cached.substr(0, cached.find('\n'));
  }
  std::string triple = askTriple(compilerPath);
  if (store && !triple.empty()) store->cacheValue(key, triple + "\n");
  return triple;
}

} // namespace oxcc
