// oxrt-embed-bench: one program, two importers, for bench/embed_startup.py.
// OXRT_BENCH_IMPORTER=memory (default): everything from the packed
// resources (stdlib bytecode and lib-dynload .so files, from memory);
// =filesystem: the in-memory importer off, the stdlib and lib-dynload read
// from disk by Python's PathFinder (with Debian's .pyc files). Behaves like
// python3 otherwise. OXRT_BENCH_FROZEN=1 (runtime.e2e.multiprocessing): sys.frozen
// and the spawn start method, whose children come back as
// `<exe> --multiprocessing-fork ...`.
#include "oxrt/interpreter.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" const unsigned char oxrt_resources_start[], oxrt_resources_end[];

int main(int argc, char **argv) {
  oxrt::InterpreterConfig config;
  const char *mode = std::getenv("OXRT_BENCH_IMPORTER");
  if (mode && std::strcmp(mode, "filesystem") == 0) {
    config.memoryImporter = false;
    config.sysPath = {OXRT_STDLIB, OXRT_DYNLOAD};
  } else {
    config.resources = {oxrt_resources_start, size_t(oxrt_resources_end - oxrt_resources_start)};
  }
  if (const char *frozen = std::getenv("OXRT_BENCH_FROZEN"); frozen && *frozen == '1') {
    config.sysFrozen = true;
    config.multiprocessingStartMethod = "spawn";
  }
  config.setArgv(argc, argv);
  auto interp = oxrt::MainInterpreter::create(config);
  if (!interp) {
    if (!interp.error().empty()) std::fprintf(stderr, "oxrt: %s\n", interp.error().c_str());
    return interp.exitCode();
  }
  return (*interp)->runMain();
}
