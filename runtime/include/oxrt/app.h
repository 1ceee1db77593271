// The one-call entry point of liboxrt, kept for existing programs: fill an
// AppConfig and call runApp(). New code uses oxrt/interpreter.h
// (InterpreterConfig, MainInterpreter; docs/embedding.md), which `oxcc link`
// generates its main() on.
//
//   extern "C" PyObject *oxcc_init_markupsafe___speedups(void);
//   static const oxrt_builtin kBuiltins[] = {
//     {"markupsafe._speedups", oxcc_init_markupsafe___speedups}, {nullptr, nullptr}};
//   int main(int argc, char **argv) {
//     oxrt::AppConfig app;
//     app.builtins = kBuiltins;
//     app.resources = {oxrt_resources_start, size_t(oxrt_resources_end - oxrt_resources_start)};
//     app.entry = {oxrt::Entry::Module, "app.cli", "main"};
//     return oxrt::runApp(app, argc, argv);
//   }
//
// AppConfig is the short form of InterpreterConfig (oxrt/interpreter.h),
// kept for existing programs; runApp() is create() + runMain().
#pragma once

#include "oxrt/interpreter.h"

namespace oxrt {

struct AppConfig {
  // {nullptr, nullptr}-terminated; names are full dotted module names and
  // must outlive the process (string literals). May be null.
  const oxrt_builtin *builtins = nullptr;
  ResourceBlob resources;
  Entry entry;
  // InterpreterConfig::sysPath: after the embedded resources. Empty when
  // the stdlib's extension modules are packed (collect_python.py
  // --dynload); else Debian's /usr/lib/python3.11/lib-dynload.
  std::vector<std::string> filesystemPaths;
  SharedModulePolicy sharedModulePolicy = SharedModulePolicy::Memory;
  std::map<std::string, SharedModulePolicy> sharedModulePolicies;
};

// The InterpreterConfig an AppConfig stands for (the other fields keep
// their defaults).
InterpreterConfig toInterpreterConfig(const AppConfig &app, int argc, char **argv);

// Starts the interpreter, runs the entry, finalizes; returns the exit status.
// A configuration error is printed ("oxrt: ...") and gives status 1.
int runApp(const AppConfig &app, int argc, char **argv);

} // namespace oxrt
