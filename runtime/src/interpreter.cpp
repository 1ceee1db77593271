#include "interpreter.h"

namespace oxrt {

namespace {

PyStatus appendPath(PyConfig &config, const std::string &path) {
  wchar_t *wide = Py_DecodeLocale(path.c_str(), nullptr);
  if (!wide) return PyStatus_Error("cannot decode a sys.path entry");
  PyStatus status = PyWideStringList_Append(&config.module_search_paths, wide);
  PyMem_RawFree(wide);
  return status;
}

// argv as the char** CPython's byte-argument functions take.
std::vector<char *> argvPointers(const InterpreterOptions &options) {
  std::vector<char *> out;
  for (const std::string &a : options.argv) out.push_back(const_cast<char *>(a.c_str()));
  if (out.empty()) out.push_back(const_cast<char *>(options.executable.c_str()));
  out.push_back(nullptr);
  return out;
}

} // namespace

PyStatus preInitialize(const InterpreterOptions &options) {
  // Locale and UTF-8 mode as python3 sets them (the isolated preconfig would
  // keep the C locale and ASCII stdio); PYTHON* variables only for the
  // python profile.
  PyPreConfig pre;
  PyPreConfig_InitPythonConfig(&pre);
  pre.use_environment = options.useEnvironment;
  pre.isolated = !options.parseArgv && !options.useEnvironment;
  pre.parse_argv = options.parseArgv; // -E, -I, -X utf8, -X dev
  std::vector<char *> argv = argvPointers(options);
  return Py_PreInitializeFromBytesArgs(&pre, Py_ssize_t(argv.size() - 1), argv.data());
}

PyStatus initializeCore(const InterpreterOptions &options, std::wstring &executable) {
  PyConfig config;
  PyConfig_InitIsolatedConfig(&config);
  // A program, not a library: Ctrl-C raises KeyboardInterrupt and SIGPIPE is
  // ignored, as in python3 (the isolated config leaves signals alone).
  config.install_signal_handlers = 1;
  // site would add the host's site-packages (and import much): exit(),
  // quit() and help() come from _oxrt_importer.install_main() instead.
  config.site_import = 0;
  config.pathconfig_warnings = 0;
  // Stop after the core: the importer must be installed before main
  // initialisation imports encodings.
  config._init_main = 0;
  config.parse_argv = options.parseArgv;
  config.use_environment = options.useEnvironment;
  if (options.parseArgv || options.useEnvironment) {
    // Like `python3 -E -s`: no environment, no user site, but sys.path[0]
    // is the script's directory (or '' for -c, -m and the REPL) as python3
    // users expect; -I or -P turn that off. Embedded modules come first
    // regardless: the importer sits before PathFinder.
    config.isolated = 0;
    config.safe_path = 0;
    config.configure_c_stdio = 1; // -u
  }
  if (options.optimizationLevel >= 0) config.optimization_level = options.optimizationLevel;

  std::vector<char *> argv = argvPointers(options);
  PyStatus status = PyConfig_SetBytesArgv(&config, Py_ssize_t(argv.size() - 1), argv.data());
  if (!PyStatus_Exception(status))
    status = PyConfig_SetBytesString(&config, &config.executable, options.executable.c_str());
  if (!PyStatus_Exception(status))
    status = PyConfig_SetBytesString(&config, &config.base_executable, options.executable.c_str());
  // sys.path is fixed here, so getpath computes no search path.
  config.module_search_paths_set = 1;
  // sys.prefix is the executable's directory: with home set, getpath reads
  // no pyvenv.cfg or ._pth and probes no landmark, so nothing on the host
  // (its Python install, a stray pyvenv.cfg) changes how the program starts.
  // (3.11's getpath drops a preset stdlib_dir when home is set:
  // _oxrt_importer.install_main() sets sys._stdlib_dir itself.)
  if (!PyStatus_Exception(status))
    status = PyConfig_SetBytesString(&config, &config.home, options.home.c_str());
  for (const std::string &path : options.paths)
    if (!PyStatus_Exception(status)) status = appendPath(config, path);
  if (!PyStatus_Exception(status)) {
    executable = config.executable ? config.executable : L"";
    status = Py_InitializeFromConfig(&config);
  }
  PyConfig_Clear(&config);
  return status;
}

std::string statusMessage(PyStatus status, int &exitCode) {
  if (PyStatus_IsExit(status)) {
    exitCode = status.exitcode;
    return "";
  }
  exitCode = 1;
  std::string msg = status.err_msg ? status.err_msg : "interpreter start failed";
  return status.func ? std::string(status.func) + ": " + msg : msg;
}

} // namespace oxrt
