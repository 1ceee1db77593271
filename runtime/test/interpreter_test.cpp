// runtime.interpreter: oxrt::MainInterpreter and the C API, for real. Each
// test starts its interpreter in a forked child (one interpreter per
// process, ever) and reads back what the child reports through a pipe; a
// child killed by a signal fails the test.
//
// The packed resources are the e2e blob (whole stdlib + test package),
// given by path (mapped) or copied into memory: OXRT_TEST_BLOB.
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "oxrt/interpreter.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

using oxrt::InterpreterConfig;
using oxrt::MainInterpreter;

// --- the program's own extension modules ---------------------------------
PyObject *answer(PyObject *, PyObject *) { return PyLong_FromLong(7); }
PyMethodDef kNativeMethods[] = {{"answer", answer, METH_NOARGS, nullptr},
                                {nullptr, nullptr, 0, nullptr}};
PyModuleDef kNative = {PyModuleDef_HEAD_INIT, "embtest.native", nullptr, -1, kNativeMethods,
                       nullptr, nullptr, nullptr, nullptr};
PyObject *initNative() { return PyModule_Create(&kNative); }
PyObject *initBroken() {
  PyErr_SetString(PyExc_RuntimeError, "init failed on purpose");
  return nullptr;
}

// --- running in a child --------------------------------------------------
struct Child {
  int status = 0;     // waitpid status
  std::string report; // what the body returned
  bool exited() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }
  std::string how() const {
    return WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                               : "exit " + std::to_string(WEXITSTATUS(status));
  }
};

Child inChild(const std::function<std::string()> &body) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string out = body();
    for (size_t done = 0; done < out.size();) {
      ssize_t n = write(fds[1], out.data() + done, out.size() - done);
      if (n <= 0) break;
      done += size_t(n);
    }
    std::fflush(nullptr);
    _exit(0);
  }
  close(fds[1]);
  Child c;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) c.report.append(buf, size_t(n));
  close(fds[0]);
  waitpid(pid, &c.status, 0);
  return c;
}

std::string readAll(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void writeAll(const std::string &path, const std::string &data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

std::string tmpDir() {
  static std::string dir = [] {
    std::string t = "/tmp/oxrt-interp-test.XXXXXX";
    return std::string(mkdtemp(t.data()));
  }();
  return dir;
}

// Removes tmpDir() when the tests are done (in the parent only: children
// leave with _exit).
struct RemoveTmpDir : ::testing::Environment {
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(tmpDir(), ignored);
  }
};
const auto *kRemoveTmpDir = ::testing::AddGlobalTestEnvironment(new RemoveTmpDir);

InterpreterConfig baseConfig() {
  InterpreterConfig c;
  c.resourcesPath = OXRT_TEST_BLOB;
  c.argv = {"prog"};
  c.sysPath = {OXRT_DYNLOAD}; // the blob packs no lib-dynload modules
  return c;
}

// Creates the interpreter, runs `code`; "ok" or the error.
std::string createAndRun(const InterpreterConfig &c, const std::string &code) {
  auto interp = MainInterpreter::create(c);
  if (!interp) return "create failed: " + interp.error();
  oxrt::Status s = (*interp)->runCode(code);
  if (!s) return "run failed: " + s.error();
  oxrt::Status f = (*interp)->finalize();
  return f ? "ok" : "finalize failed: " + f.error();
}

#define EXPECT_CHILD_OK(child)                                                                  \
  do {                                                                                          \
    Child c_ = (child);                                                                         \
    ASSERT_TRUE(c_.exited()) << c_.how() << "\n" << c_.report;                                  \
    EXPECT_EQ(c_.report, "ok");                                                                 \
  } while (0)

// --- tests -----------------------------------------------------------------

TEST(Interpreter, RunsCodeFromAMappedResourcesFile) {
  EXPECT_CHILD_OK(inChild([] {
    return createAndRun(baseConfig(), R"(
import sys, json, decimal
assert json.loads('[1]') == [1]
assert sys.path[0] == sys.executable, sys.path
assert json.__file__ == sys.executable + '/json/__init__.py', json.__file__
assert not hasattr(sys, 'frozen') and not hasattr(sys, 'argvb')
)");
  }));
}

TEST(Interpreter, RunsFromResourcesInMemory) {
  EXPECT_CHILD_OK(inChild([] {
    std::string bytes = readAll(OXRT_TEST_BLOB);
    // 8-byte aligned: a vector of uint64_t.
    static std::vector<uint64_t> blob;
    blob.resize(bytes.size() / 8 + 1);
    std::memcpy(blob.data(), bytes.data(), bytes.size());
    InterpreterConfig c;
    c.resources = {blob.data(), bytes.size()};
    return createAndRun(c, "import email.mime.text, testpkg.sub.mod");
  }));
}

TEST(Interpreter, ExtensionModulesDottedAndTopLevel) {
  EXPECT_CHILD_OK(inChild([] {
    InterpreterConfig c = baseConfig();
    c.extensionModules = {{"embtest.native", initNative}};
    return createAndRun(c, R"(
import sys, embtest.native
assert embtest.native.answer() == 7
assert 'embtest.native' in sys.builtin_module_names
)");
  }));
}

TEST(Interpreter, ExtensionInitFailureReachesTheCaller) {
  Child c = inChild([] {
    InterpreterConfig c = baseConfig();
    c.extensionModules = {{"embtest_broken", initBroken}};
    return createAndRun(c, "import embtest_broken");
  });
  ASSERT_TRUE(c.exited()) << c.how();
  EXPECT_NE(c.report.find("run failed: "), std::string::npos) << c.report;
  EXPECT_NE(c.report.find("RuntimeError: init failed on purpose"), std::string::npos) << c.report;
}

TEST(Interpreter, RunMainReturnsTheEntryExitStatus) {
  Child c = inChild([] {
    InterpreterConfig c = baseConfig();
    c.entry = {oxrt::Entry::Module, "testpkg.cli", "main"};
    c.argv = {"prog", "7"};
    auto interp = MainInterpreter::create(c);
    if (!interp) return interp.error();
    return std::to_string((*interp)->runMain());
  });
  ASSERT_TRUE(c.exited()) << c.how();
  EXPECT_EQ(c.report, "7");
}

TEST(Interpreter, RunFileAndRunModuleReportExceptions) {
  std::string script = tmpDir() + "/raises.py";
  writeAll(script, "import sys\nraise ValueError('from the file ' + sys.argv[0])\n");
  Child c = inChild([&] {
    auto interp = MainInterpreter::create(baseConfig());
    if (!interp) return interp.error();
    oxrt::Status file = (*interp)->runFile(script);
    oxrt::Status mod = (*interp)->runModule("testpkg.no_such_module");
    oxrt::Status good = (*interp)->runModule("testpkg.sub.mod");
    return file.error() + "\n---\n" + mod.error() + "\n---\n" + (good ? "good" : good.error());
  });
  ASSERT_TRUE(c.exited()) << c.how();
  EXPECT_NE(c.report.find("ValueError: from the file " + script), std::string::npos) << c.report;
  EXPECT_NE(c.report.find("raises.py"), std::string::npos) << c.report;
  EXPECT_NE(c.report.find("No module named testpkg.no_such_module"), std::string::npos) << c.report;
  EXPECT_NE(c.report.find("---\ngood"), std::string::npos) << c.report;
}

TEST(Interpreter, SecondInterpreterIsAnError) {
  Child c = inChild([] {
    auto first = MainInterpreter::create(baseConfig());
    if (!first) return "first: " + first.error();
    auto second = MainInterpreter::create(baseConfig());
    std::string out = second ? "second created" : second.error();
    (void)(*first)->finalize();
    auto third = MainInterpreter::create(baseConfig());
    out += "\n" + std::string(third ? "third created" : third.error());
    return out;
  });
  ASSERT_TRUE(c.exited()) << c.how();
  std::string expected = "already exists (or existed) in this process";
  size_t at = c.report.find(expected);
  ASSERT_NE(at, std::string::npos) << c.report;
  EXPECT_NE(c.report.find(expected, at + 1), std::string::npos) << c.report;
}

TEST(Interpreter, FailedConfigurationCanBeRetried) {
  EXPECT_CHILD_OK(inChild([] {
    InterpreterConfig bad = baseConfig();
    bad.resourcesPath = tmpDir() + "/missing.bin";
    auto interp = MainInterpreter::create(bad);
    if (interp) return std::string("created with a missing file");
    if (interp.error().find("cannot open the packed resources file") == std::string::npos)
      return interp.error();
    return createAndRun(baseConfig(), "import json");
  }));
}

TEST(Interpreter, OriginRelativeSysPath) {
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  ASSERT_GT(n, 0);
  std::string origin = std::string(self, size_t(n));
  origin = origin.substr(0, origin.rfind('/'));
  std::string leaf = "oxrt-origin-" + std::to_string(getpid());
  ASSERT_EQ(mkdir((origin + "/" + leaf).c_str(), 0755), 0);
  writeAll(origin + "/" + leaf + "/originmod.py", "X = 5\n");
  Child c = inChild([&] {
    InterpreterConfig c = baseConfig();
    c.sysPath = {"$ORIGIN/" + leaf};
    return createAndRun(c, "import sys, originmod\nassert originmod.X == 5\n"
                           "assert sys.path[1] == '" + origin + "/" + leaf + "', sys.path\n"
                           "assert originmod.__file__.startswith(sys.path[1])\n");
  });
  // The import wrote __pycache__ next to the module: remove the whole
  // directory, or every run leaves one beside the test binary.
  std::error_code ignored;
  std::filesystem::remove_all(origin + "/" + leaf, ignored);
  ASSERT_TRUE(c.exited()) << c.how();
  EXPECT_EQ(c.report, "ok");
}

TEST(Interpreter, FilesystemImporterOff) {
  std::string dir = tmpDir() + "/fsoff";
  mkdir(dir.c_str(), 0755);
  writeAll(dir + "/ondisk.py", "X = 1\n");
  EXPECT_CHILD_OK(inChild([&] {
    InterpreterConfig c = baseConfig();
    c.sysPath = {dir};
    c.filesystemImporter = false;
    return createAndRun(c, R"(
import json  # the packed stdlib still works
try:
    import ondisk
except ModuleNotFoundError:
    pass
else:
    raise AssertionError('imported from the filesystem')
)");
  }));
}

TEST(Interpreter, MemoryImporterOffUsesTheStdlibOnDisk) {
  EXPECT_CHILD_OK(inChild([] {
    InterpreterConfig c;
    c.memoryImporter = false;
    c.sysPath = {OXRT_STDLIB, OXRT_DYNLOAD};
    return createAndRun(c, R"(
import sys, json
assert json.__file__ == ')" OXRT_STDLIB R"(/json/__init__.py', json.__file__
assert sys.executable not in sys.path
)");
  }));
}

TEST(Interpreter, SettingsReachPython) {
  std::string modules = tmpDir() + "/modules";
  mkdir(modules.c_str(), 0755);
  Child c = inChild([&] {
    unsetenv("TERMINFO_DIRS");
    InterpreterConfig c = baseConfig();
    c.argv = {"prog", "caf\xc3\xa9", "\xff"};
    c.argvBytes = true;
    c.sysFrozen = true;
    c.optimizationLevel = 2;
    c.fileAttribute = oxrt::FileAttribute::Unset;
    c.multiprocessingStartMethod = "spawn";
    c.writeModulesDirectory = modules;
    std::string r = createAndRun(c, R"(
import sys, os, json, multiprocessing
assert sys.argvb == [b'prog', b'caf\xc3\xa9', b'\xff'], sys.argvb
assert sys.argv[1] == 'café' and sys.argv[2] == '\udcff', sys.argv
assert sys.frozen is True
assert sys.flags.optimize == 2
assert not hasattr(json, '__file__') and json.__spec__.origin.endswith('/json/__init__.py')
assert multiprocessing.get_start_method() == 'spawn'
dirs = os.environ['TERMINFO_DIRS'].split(':')
assert dirs and all(os.path.isdir(d) for d in dirs), dirs
)");
    return r + "|" + std::to_string(getpid());
  });
  ASSERT_TRUE(c.exited()) << c.how();
  std::string pid = c.report.substr(c.report.find('|') + 1);
  EXPECT_EQ(c.report.substr(0, c.report.find('|')), "ok");
  std::string list = readAll(modules + "/modules-" + pid + ".txt");
  EXPECT_NE(list.find("\njson\n"), std::string::npos) << list.substr(0, 300);
  EXPECT_NE(list.find("\nmultiprocessing\n"), std::string::npos);
}

TEST(Interpreter, ProfilesAndTheEnvironment) {
  Child c = inChild([] {
    setenv("PYTHONOPTIMIZE", "1", 1);
    setenv("PYTHONPATH", "/nonexistent-pythonpath", 1);
    InterpreterConfig conf = baseConfig();
    conf.profile = oxrt::Profile::Python;
    return createAndRun(conf, "import sys\nassert sys.flags.optimize == 1, sys.flags\n"
                              "assert '/nonexistent-pythonpath' not in sys.path, sys.path\n");
  });
  ASSERT_TRUE(c.exited()) << c.how();
  EXPECT_EQ(c.report, "ok");
  Child isolated = inChild([] {
    setenv("PYTHONOPTIMIZE", "1", 1);
    return createAndRun(baseConfig(), "import sys\nassert sys.flags.optimize == 0, sys.flags");
  });
  ASSERT_TRUE(isolated.exited()) << isolated.how();
  EXPECT_EQ(isolated.report, "ok");
}

TEST(Interpreter, GilGuardFromAnotherThread) {
  EXPECT_CHILD_OK(inChild([] {
    auto interp = MainInterpreter::create(baseConfig());
    if (!interp) return interp.error();
    oxrt::Status s = (*interp)->runCode("import threading\nmain_ident = threading.get_ident()");
    std::thread t([] {
      MainInterpreter::GilGuard gil;
      PyRun_SimpleString("from_thread = threading.get_ident()");
    });
    t.join();
    if (s) s = (*interp)->runCode("assert from_thread != main_ident, from_thread");
    return s ? std::string("ok") : s.error();
  }));
}

// --- allocators ------------------------------------------------------------

// What an allocation-heavy script sees: _oxrt.allocators() and whether
// pymalloc has arenas (sys._debugmallocstats() prints them only while
// PyObject_Malloc is pymalloc).
std::string allocatorReport(oxrt::Allocator a) {
  Child c = inChild([a] {
    std::string stats = tmpDir() + "/stats-" + std::to_string(getpid());
    InterpreterConfig conf = baseConfig();
    conf.allocator = a;
    auto interp = MainInterpreter::create(conf);
    if (!interp) return "create failed: " + interp.error();
    int fd = open(stats.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int saved = dup(2);
    dup2(fd, 2);
    oxrt::Status s = (*interp)->runCode(R"(
import sys, _oxrt
data = [{'k%d' % i: [str(j) * 3 for j in range(i % 17)]} for i in range(30000)]
data = {i: bytes(i % 300) for i in range(10000)}
del data
sys._debugmallocstats()
sys.stderr.write('ALLOCATORS %(raw)s %(mem)s %(obj)s\n' % _oxrt.allocators())
sys.stderr.flush()
)");
    dup2(saved, 2);
    close(fd);
    std::string out = readAll(stats);
    unlink(stats.c_str());
    if (!s) return "run failed: " + s.error();
    std::string line = out.substr(out.find("ALLOCATORS"));
    line = line.substr(0, line.find('\n'));
    bool arenas = out.find("# arenas allocated total") != std::string::npos;
    return line + (arenas ? " pymalloc-arenas" : " no-pymalloc");
  });
  return c.exited() ? c.report : c.how() + ": " + c.report;
}

TEST(Allocators, Default) {
  EXPECT_EQ(allocatorReport(oxrt::Allocator::Default), "ALLOCATORS default default default pymalloc-arenas");
}
TEST(Allocators, System) {
  EXPECT_EQ(allocatorReport(oxrt::Allocator::System), "ALLOCATORS system system system no-pymalloc");
}
TEST(Allocators, Mimalloc) {
  EXPECT_EQ(allocatorReport(oxrt::Allocator::Mimalloc), "ALLOCATORS mimalloc mimalloc mimalloc no-pymalloc");
}
TEST(Allocators, Jemalloc) {
  EXPECT_EQ(allocatorReport(oxrt::Allocator::Jemalloc), "ALLOCATORS jemalloc jemalloc jemalloc no-pymalloc");
}
TEST(Allocators, OnlyTheChosenDomains) {
  Child c = inChild([] {
    InterpreterConfig conf = baseConfig();
    conf.allocator = oxrt::Allocator::Jemalloc;
    conf.allocatorDomains = {true, false, false};
    return createAndRun(conf, "import _oxrt\nassert _oxrt.allocators() == "
                              "{'raw': 'jemalloc', 'mem': 'default', 'obj': 'default'}, "
                              "_oxrt.allocators()");
  });
  ASSERT_TRUE(c.exited()) << c.how();
  EXPECT_EQ(c.report, "ok");
}
TEST(Allocators, UnknownIsAnErrorValue) {
  Child c = inChild([] {
    InterpreterConfig conf = baseConfig();
    conf.allocator = oxrt::Allocator(42);
    auto interp = MainInterpreter::create(conf);
    return interp ? std::string("created") : interp.error();
  });
  ASSERT_TRUE(c.exited()) << c.how();
  EXPECT_NE(c.report.find("unknown allocator 42"), std::string::npos) << c.report;
}

// --- corrupt resources -----------------------------------------------------

// Each damaged copy of the blob, given as a file: create() fails with a
// message naming the file, or (damage in a payload the open-time checks
// cannot see) imports fail with an exception; never a crash.
TEST(CorruptResources, TruncatedAndBitFlippedFiles) {
  std::string blob = readAll(OXRT_TEST_BLOB);
  ASSERT_GT(blob.size(), 4096u);
  std::vector<std::pair<std::string, std::string>> cases;
  for (size_t len : {size_t(0), size_t(7), size_t(39), size_t(41), size_t(200), blob.size() / 2,
                     blob.size() - 1})
    cases.push_back({"truncated to " + std::to_string(len), blob.substr(0, len)});
  unsigned seed = 12345;
  std::vector<size_t> offsets = {0, 3, 8, 12, 16, 20, 24, 32, 36, 40, 44, 52, 64};
  for (int i = 0; i < 8; ++i) {
    seed = seed * 1103515245 + 12345;
    offsets.push_back(size_t(seed >> 4) % blob.size());
  }
  for (size_t off : offsets) {
    std::string b = blob;
    b[off] = char(b[off] ^ (1 << (off % 8)));
    cases.push_back({"bit flipped at " + std::to_string(off), b});
  }
  int refused = 0;
  for (const auto &[what, bytes] : cases) {
    std::string path = tmpDir() + "/corrupt.bin";
    writeAll(path, bytes);
    Child c = inChild([&] {
      InterpreterConfig conf = baseConfig();
      conf.resourcesPath = path;
      auto interp = MainInterpreter::create(conf);
      if (!interp) return "refused: " + interp.error();
      oxrt::Status s = (*interp)->runCode("import json, testpkg.sub.mod");
      return std::string(s ? "ran" : "raised");
    });
    ASSERT_TRUE(c.exited()) << what << ": " << c.how() << "\n" << c.report;
    if (c.report.rfind("refused: ", 0) == 0) {
      ++refused;
      bool named = c.report.find(path) != std::string::npos;
      EXPECT_TRUE(named) << what << ": " << c.report;
    } else {
      EXPECT_TRUE(c.report == "ran" || c.report == "raised") << what << ": " << c.report;
    }
  }
  // Every truncation and every header flip is caught when the file is opened.
  EXPECT_GE(refused, 7 + 9) << "too few damaged files refused at create()";
}

// --- the C API ---------------------------------------------------------------

TEST(CApi, RunCodeErrorsAndExitStatus) {
  EXPECT_CHILD_OK(inChild([] {
    oxrt_config *cfg = oxrt_config_new();
    char arg0[] = "prog";
    char *argv[] = {arg0, nullptr};
    if (oxrt_config_set_resources_file(cfg, OXRT_TEST_BLOB) != 0 ||
        oxrt_config_set_argv(cfg, 1, argv) != 0 ||
        oxrt_config_add_extension(cfg, "embtest.native", initNative) != 0 ||
        oxrt_config_set_allocator(cfg, OXRT_ALLOCATOR_SYSTEM, 0) != 0)
      return std::string("setter failed: ") + oxrt_last_error();
    oxrt_interpreter *interp = oxrt_interpreter_new(cfg);
    oxrt_config_free(cfg);
    if (!interp) return std::string("new failed: ") + oxrt_last_error();
    if (oxrt_run_code(interp, "import embtest.native\nassert embtest.native.answer() == 7") != 0)
      return std::string("run failed: ") + oxrt_last_error();
    if (oxrt_run_code(interp, "raise ValueError('from C')") != -1 ||
        std::string(oxrt_last_error()).find("ValueError: from C") == std::string::npos)
      return std::string("error not reported: ") + oxrt_last_error();
    int token = oxrt_gil_acquire();
    oxrt_gil_release(token);
    return std::string(oxrt_interpreter_free(interp) == 0 ? "ok" : oxrt_last_error());
  }));
}

TEST(CApi, SecondInterpreterAndBadConfig) {
  Child c = inChild([] {
    oxrt_config *cfg = oxrt_config_new();
    oxrt_config_set_resources_file(cfg, OXRT_TEST_BLOB);
    oxrt_config_set_optimization_level(cfg, 5);
    std::string out = oxrt_config_validate(cfg) == -1 ? oxrt_last_error() : "validated";
    oxrt_config_set_optimization_level(cfg, 0);
    oxrt_interpreter *a = oxrt_interpreter_new(cfg);
    oxrt_interpreter *b = oxrt_interpreter_new(cfg);
    out += "\n" + std::string(a ? "a" : oxrt_last_error());
    out += "\n" + std::string(b ? "b" : oxrt_last_error());
    oxrt_interpreter_free(a);
    oxrt_config_free(cfg);
    return out;
  });
  ASSERT_TRUE(c.exited()) << c.how();
  EXPECT_NE(c.report.find("optimization level 5"), std::string::npos) << c.report;
  EXPECT_NE(c.report.find("\na\n"), std::string::npos) << c.report;
  EXPECT_NE(c.report.find("already exists"), std::string::npos) << c.report;
}

} // namespace
