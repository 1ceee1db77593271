#include "interpreter.h"

#include <cstdio>

namespace oxrt {

namespace {

PyStatus appendPath(PyConfig &config, const std::string &path) {
  wchar_t *wide = Py_DecodeLocale(path.c_str(), nullptr);
  if (!wide) return PyStatus_Error("cannot decode a sys.path entry");
  PyStatus status = PyWideStringList_Append(&config.module_search_paths, wide);
  PyMem_RawFree(wide);
  return status;
}

} // namespace

PyStatus initializeCore(const InterpreterOptions &options, int argc, char **argv,
                        std::wstring &executable) {
  // Locale and UTF-8 mode as python3 sets them (the isolated preconfig would
  // keep the C locale and ASCII stdio), but no PYTHON* variable is read.
  PyPreConfig pre;
  PyPreConfig_InitPythonConfig(&pre);
  pre.use_environment = 0;
  pre.isolated = !options.pythonCli;
  pre.parse_argv = options.pythonCli; // -E, -I, -X utf8, -X dev
  PyStatus status = Py_PreInitializeFromBytesArgs(&pre, argc, argv);
  if (PyStatus_Exception(status)) return status;

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
  config.parse_argv = options.pythonCli;
  if (options.pythonCli) {
    // Like `python3 -E -s`: no environment, no user site, but sys.path[0]
    // is the script's directory (or '' for -c, -m and the REPL) as python3
    // users expect; -I or -P turn that off. Embedded modules come first
    // regardless: the importer sits before PathFinder.
    config.isolated = 0;
    config.safe_path = 0;
    config.configure_c_stdio = 1; // -u
  }

  status = PyConfig_SetBytesArgv(&config, argc, argv);
  if (!PyStatus_Exception(status))
    status = PyConfig_SetBytesString(&config, &config.executable, options.executable.c_str());
  if (!PyStatus_Exception(status))
    status = PyConfig_SetBytesString(&config, &config.base_executable, options.executable.c_str());
  // sys.path is fixed here, so getpath computes no search path: the virtual
  // root (== sys.executable) first, then the extra filesystem paths.
  config.module_search_paths_set = 1;
  // sys.prefix is the executable's directory: with home set, getpath reads
  // no pyvenv.cfg or ._pth and probes no landmark, so nothing on the host
  // (its Python install, a stray pyvenv.cfg) changes how the program starts.
  // (3.11's getpath drops a preset stdlib_dir when home is set:
  // _oxrt_importer.install_main() sets sys._stdlib_dir itself.)
  if (!PyStatus_Exception(status))
    status = PyConfig_SetBytesString(&config, &config.home, options.home.c_str());
  if (!PyStatus_Exception(status)) status = appendPath(config, options.executable);
  for (const std::string &path : options.extraPaths)
    if (!PyStatus_Exception(status)) status = appendPath(config, path);
  if (!PyStatus_Exception(status)) {
    executable = config.executable ? config.executable : L"";
    status = Py_InitializeFromConfig(&config);
  }
  PyConfig_Clear(&config);
  return status;
}

int reportStatus(PyStatus status) {
  if (PyStatus_IsExit(status)) return status.exitcode;
  if (status.func)
    std::fprintf(stderr, "oxrt: %s: %s\n", status.func, status.err_msg ? status.err_msg : "error");
  else
    std::fprintf(stderr, "oxrt: %s\n", status.err_msg ? status.err_msg : "interpreter start failed");
  return 1;
}

} // namespace oxrt
