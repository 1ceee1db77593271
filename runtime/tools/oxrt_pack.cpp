// oxrt-pack MANIFEST.tsv -o OUT.bin
//
// Packs the files a manifest names into a packed-resources blob (format v1,
// docs/formats-resources.md). One entry per line, fields separated by TAB:
//   module <NAME> <FLAGS> <CODE_PATH> <SOURCE_PATH>   FLAGS: 0 module, 1 package, 3 namespace;
//                                                     +4: SOURCE_PATH holds a zlib stream
//   file   <KEY>  <DATA_PATH>
//   shlib  <NAME> <DATA_PATH>                         extension module "pkg._ext": an ELF .so
//   shdep  <SONAME> <DATA_PATH>                       a library such modules need: its DT_SONAME
// A path of "-" means none. Blank lines and lines starting with '#' are
// skipped. Relative paths are taken from the manifest's directory. The
// output is written to a temporary file and renamed, so a reader never sees
// half a blob.
#include "packed_resources.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

bool readFile(const std::string &path, std::string &out, std::string &error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  out.clear();
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = "cannot read " + path + ": " + std::strerror(errno);
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    out.append(buf, size_t(n));
  }
  ::close(fd);
  return true;
}

bool writeFileAtomic(const std::string &path, const std::string &bytes, std::string &error) {
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot create " + tmp + ": " + std::strerror(errno);
    return false;
  }
  const char *p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = "cannot write " + tmp + ": " + std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return false;
    }
    p += n;
    left -= size_t(n);
  }
  if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

std::vector<std::string> splitTabs(const std::string &line) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (;;) {
    size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string::npos ? tab : tab - start));
    if (tab == std::string::npos) return fields;
    start = tab + 1;
  }
}

// The line being packed, for error messages that name it.
struct Line {
  std::string manifest;
  size_t number = 0;
  std::string where() const { return manifest + ":" + std::to_string(number) + ": "; }
};

std::string resolve(const std::string &baseDir, const std::string &path) {
  if (path.empty() || path[0] == '/' || baseDir.empty()) return path;
  return baseDir + "/" + path;
}

bool readOptional(const std::string &baseDir, const std::string &path, std::string &out,
                  std::string &error) {
  out.clear();
  if (path == "-") return true;
  return readFile(resolve(baseDir, path), out, error);
}

int usage() {
  std::fprintf(stderr, "usage: oxrt-pack MANIFEST.tsv -o OUT.bin\n");
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  std::string manifestPath, outPath;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-o" && i + 1 < argc) outPath = argv[++i];
    else if (arg == "-h" || arg == "--help") return usage(), 0;
    else if (!arg.empty() && arg[0] != '-' && manifestPath.empty()) manifestPath = arg;
    else return usage();
  }
  if (manifestPath.empty() || outPath.empty()) return usage();

  std::string text, error;
  if (!readFile(manifestPath, text, error)) {
    std::fprintf(stderr, "oxrt-pack: %s\n", error.c_str());
    return 1;
  }
  std::string baseDir;
  if (size_t slash = manifestPath.rfind('/'); slash != std::string::npos)
    baseDir = manifestPath.substr(0, slash);

  oxrt::ResourceWriter writer;
  Line line{manifestPath, 0};
  auto fail = [&](const std::string &message) {
    std::fprintf(stderr, "oxrt-pack: %s%s\n", line.where().c_str(), message.c_str());
    return 1;
  };
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string raw = text.substr(start, nl == std::string::npos ? nl : nl - start);
    start = nl == std::string::npos ? text.size() : nl + 1;
    ++line.number;
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    if (raw.empty() || raw[0] == '#') continue;

    std::vector<std::string> f = splitTabs(raw);
    const std::string &type = f[0];
    std::string data, aux;
    if (type == "module") {
      if (f.size() != 5) return fail("a module line has 5 fields: module NAME FLAGS CODE_PATH SOURCE_PATH");
      char *end = nullptr;
      errno = 0;
      unsigned long flags = std::strtoul(f[2].c_str(), &end, 10);
      if (f[2].empty() || *end != '\0' || errno != 0 || flags > oxrt::kModuleFlagsKnown)
        return fail("bad FLAGS '" + f[2] +
                    "' (0 module, 1 package, 3 namespace package; +4 compressed source)");
      bool ns = flags & oxrt::kModuleNamespace;
      if (ns && (f[3] != "-" || f[4] != "-"))
        return fail("a namespace package has no code or source: use '-' for both paths");
      if (!ns && f[3] == "-") return fail("module '" + f[1] + "' needs a CODE_PATH");
      if (!readOptional(baseDir, f[3], data, error) || !readOptional(baseDir, f[4], aux, error))
        return fail(error);
      if (!ns && data.empty()) return fail("code file for '" + f[1] + "' is empty");
      if (std::string why = oxrt::checkResourceKey(oxrt::ResourceKind::Module, f[1]); !why.empty())
        return fail("module '" + f[1] + "': " + why);
      if (!writer.addModule(f[1], uint16_t(flags), std::move(data), std::move(aux)))
        return fail("module '" + f[1] + "' listed twice");
    } else if (type == "file" || type == "shlib" || type == "shdep") {
      bool elf = type != "file";
      if (f.size() != 3)
        return fail("a " + type + " line has 3 fields: " + type +
                    (type == "shlib" ? " NAME" : type == "shdep" ? " SONAME" : " KEY") + " DATA_PATH");
      auto kind = type == "shlib"   ? oxrt::ResourceKind::SharedLibrary
                  : type == "shdep" ? oxrt::ResourceKind::SharedDependency
                                    : oxrt::ResourceKind::File;
      if (std::string why = oxrt::checkResourceKey(kind, f[1]); !why.empty())
        return fail(type + " '" + f[1] + "': " + why);
      if (elf && f[2] == "-") return fail(type + " '" + f[1] + "' needs a DATA_PATH");
      if (!readOptional(baseDir, f[2], data, error)) return fail(error);
      // The machine is checked at import, by the program that knows its own.
      if (elf)
        if (std::string why = oxrt::checkSharedObject(data); !why.empty())
          return fail(type + " '" + f[1] + "' (" + f[2] + "): " + why);
      // The loader finds a dependency by the soname inside it: a key that
      // differs would never be found.
      if (type == "shdep") {
        auto names = oxrt::readDynamicNames(data, error);
        if (!names) return fail("shdep '" + f[1] + "' (" + f[2] + "): " + error);
        if (names->soname != f[1])
          return fail("shdep '" + f[1] + "' (" + f[2] + "): its DT_SONAME is '" + names->soname + "'");
      }
      bool fresh = type == "shlib"   ? writer.addSharedLibrary(f[1], std::move(data))
                   : type == "shdep" ? writer.addSharedDependency(f[1], std::move(data))
                                     : writer.addFile(f[1], std::move(data));
      if (!fresh) return fail(type + " '" + f[1] + "' listed twice");
    } else {
      return fail("unknown entry type '" + type + "' (module, file, shlib or shdep)");
    }
  }

  std::string blob;
  if (!writer.serialize(blob, error)) {
    std::fprintf(stderr, "oxrt-pack: %s: %s\n", manifestPath.c_str(), error.c_str());
    return 1;
  }
  if (!writeFileAtomic(outPath, blob, error)) {
    std::fprintf(stderr, "oxrt-pack: %s\n", error.c_str());
    return 1;
  }
  return 0;
}
